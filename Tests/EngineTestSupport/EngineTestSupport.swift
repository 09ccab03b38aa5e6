public import DockerEngine
import Foundation
import Testing

/// What every engine test shares: whether engine tests run, a client, a busybox image, unique names.
/// Under CI=true an engine that cannot be reached fails the tests; it never skips them.
public enum EngineTestSupport {
    /// True when CI=true is set in the environment.
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// True when the engine answers /_ping (checked once, before the suites run).
    public static let engineAnswers: Bool = {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Task.detached {
            let client = DockerClient(
                host: (try? DockerHost(environment: ProcessInfo.processInfo.environment)) ?? .default)
            box.value = (try? await client.ping()) != nil
            try? await client.shutdown()
            semaphore.signal()
        }
        semaphore.wait()
        return box.value
    }()

    /// Engine tests run when the engine answers, and always under CI (where they then fail loudly).
    public static var shouldRun: Bool { engineAnswers || isCI }

    /// Runs `body` with a fresh client, failing (never skipping) when the engine cannot be reached.
    public static func withClient(_ body: (DockerClient) async throws -> Void) async throws {
        let client = try DockerClient()
        do {
            _ = try await client.ping()
        } catch {
            try? await client.shutdown()
            Issue.record("Docker engine unreachable for engine tests: \(error)")
            throw error
        }
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Runs `body` with a client and the busybox test image in place.
    public static func withEngine(_ body: (DockerClient) async throws -> Void) async throws {
        try await withClient { client in
            try await ensureImage(client)
            try await body(client)
        }
    }

    /// A name unique to this test run, prefixed so it cannot collide with anyone's objects.
    public static func uniqueName(_ base: String) -> String {
        "twiptest-engine-\(base)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A busybox image made from the host's static busybox, with an httpd document root at /www.
    public static let image = "twiptest-core-busybox:latest"

    /// Imports a root filesystem of the host's static busybox as the test image (once per engine).
    public static func ensureImage(_ client: DockerClient) async throws {
        if (try? await client.inspectImage(image)) != nil { return }
        #expect(FileManager.default.fileExists(atPath: "/bin/busybox"), "apt-get install -y busybox-static")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-core-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["bin", "tmp", "www", "etc"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root + "/bin/busybox")
        for applet in ["sh", "httpd", "wget", "sleep", "echo", "cat", "hostname", "true", "false", "nc", "printf"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/bin/\(applet)", withDestinationPath: "busybox")
        }
        try "ok\n".write(toFile: root + "/www/index.html", atomically: true, encoding: .utf8)
        let archive = try DirectoryArchive(root: root).stream()
        _ = try await client.importImage(
            .stream(archive), repository: "twiptest-core-busybox", tag: "latest",
            changes: ["LABEL io.twip.test=core", "ENV PATH=/bin"])
    }

    final class ResultBox: @unchecked Sendable {
        var value = false
    }
}

/// Collects progress lines.
public final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    public init() {}

    public func append(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    public var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
