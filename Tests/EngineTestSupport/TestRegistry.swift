public import DockerEngine
import Foundation
import Testing

/// Debian's `docker-registry` serving on 127.0.0.1:`port` with throwaway storage, without authentication: the
/// engine treats 127.0.0.0/8 registries as insecure ones by default, so it pushes and pulls over plain HTTP.
public final class TestRegistry: @unchecked Sendable {
    public static let binary = "/usr/bin/docker-registry"
    /// True when the registry can be started (under CI a missing one fails the test that wants it).
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    public let port: Int
    public var address: String { "127.0.0.1:\(port)" }
    private let directory: String
    private var process: Process?

    /// Starts the registry and waits until it answers.
    public init(port: Int) async throws {
        try #require(Self.isInstalled, "apt-get install -y docker-registry")
        self.port = port
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                EngineTestSupport.uniqueName("registry")
            ).path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let config = """
            version: 0.1
            storage:
              filesystem:
                rootdirectory: \(directory)/data
            http:
              addr: 127.0.0.1:\(port)
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.yml"))
        try await start()
    }

    /// Starts (again) on the same port and storage.
    public func start() async throws {
        guard process == nil else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", directory + "/config.yml"]
        FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/registry.log"))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Any HTTP answer (the registry 404s the engine's /_ping) means it is listening.
        let probe = DockerClient(host: .tcp(host: "127.0.0.1", port: port))
        var ready = false
        for _ in 0..<100 where !ready {
            do {
                _ = try await probe.ping()
                ready = true
            } catch is EngineUnreachable {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                ready = true
            }
        }
        try? await probe.shutdown()
        try #require(ready, "the registry did not start on \(address)")
    }

    /// Stops it: the engine's requests to it are then refused.
    public func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// Runs `body` with a registry on `port`, stopped and its storage removed afterwards.
    public static func with(port: Int, _ body: (TestRegistry) async throws -> Void) async throws {
        let registry = try await TestRegistry(port: port)
        defer {
            registry.stop()
            try? FileManager.default.removeItem(atPath: registry.directory)
        }
        try await body(registry)
    }
}
