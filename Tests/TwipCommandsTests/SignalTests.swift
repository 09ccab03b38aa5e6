import Foundation
import Testing

/// SIGTERM and Ctrl-C against the real binary, while it waits on an engine that accepts connections and never
/// answers (a unix socket this test holds open): cancellation, the exit code, the message, and no hang.
@Suite struct SignalTests {
    /// A unix socket that accepts connections and never answers, for as long as the value lives.
    final class SilentEngine {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("twip-silent-\(UUID().uuidString).sock")
            .path
        let fd: Int32

        init() throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            try #require(bound == 0)
            try #require(listen(fd, 16) == 0)
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func aSignalCancelsTheCommandWithItsExitCode(signal number: Int32, expected: Int32) async throws {
        let engine = try SilentEngine()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExitCodeTests.binary)
        process.arguments = ["train", "ps"]
        process.currentDirectoryURL = ExitCodeTests.root
        process.environment = ProcessInfo.processInfo.environment.merging(["DOCKER_HOST": "unix://\(engine.path)"]) {
            $1
        }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(1500))
        kill(process.processIdentifier, number)
        let started = ContinuousClock.now
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == expected)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(String(decoding: error, as: UTF8.self).contains("run the same command again"))
    }

    @Test func anEngineThatNeverAnswersIsUnreachableAfterTheDeadline() throws {
        let engine = try SilentEngine()
        let started = ContinuousClock.now
        let outcome = try ExitCodeTests.twip(["train", "ps"], environment: ["DOCKER_HOST": "unix://\(engine.path)"])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains(engine.path))
        #expect(outcome.error.contains("did not answer"))
        #expect(ContinuousClock.now - started < .seconds(15))
    }
}
