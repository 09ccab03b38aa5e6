import DockerEngine
import Foundation
import Testing
import TwipCore

/// Gives TwipCore's engine tests a client and a busybox image; under CI=true an unreachable engine fails them.
enum EngineSupport {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// True when the engine answers /_ping (checked once, before the suites run).
    static let engineAnswers: Bool = {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Box()
        Task.detached {
            guard let client = try? DockerClient() else {
                semaphore.signal()
                return
            }
            box.value = (try? await client.ping()) != nil
            try? await client.shutdown()
            semaphore.signal()
        }
        semaphore.wait()
        return box.value
    }()

    /// Engine tests run when the engine answers, and always under CI (where they then fail, never skip).
    static var shouldRun: Bool { engineAnswers || isCI }

    static let image = "twiptest-core-busybox:latest"

    /// Runs `body` with a client and the busybox test image in place.
    static func withEngine(_ body: (DockerClient) async throws -> Void) async throws {
        let client = try DockerClient()
        do {
            _ = try await client.ping()
            try await ensureImage(client)
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Imports a root filesystem of the host's static busybox as the test image (once per engine).
    static func ensureImage(_ client: DockerClient) async throws {
        if (try? await client.inspectImage(image)) != nil { return }
        #expect(FileManager.default.fileExists(atPath: "/bin/busybox"), "apt-get install -y busybox-static")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-core-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["bin", "tmp", "www", "etc"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root + "/bin/busybox")
        for applet in ["sh", "httpd", "wget", "sleep", "echo", "cat", "hostname", "true", "false"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/bin/\(applet)", withDestinationPath: "busybox")
        }
        try "ok\n".write(toFile: root + "/www/index.html", atomically: true, encoding: .utf8)
        let archive = try DirectoryArchive(root: root).stream()
        _ = try await client.importImage(
            .stream(archive), repository: "twiptest-core-busybox", tag: "latest",
            changes: ["LABEL io.twip.test=core", "ENV PATH=/bin"])
    }

    final class Box: @unchecked Sendable {
        var value = false
    }
}
