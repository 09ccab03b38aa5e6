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
        // Signal once twip has taken the signal over (it ignores it and listens through a dispatch source), not
        // after a guessed delay: on a busy machine a process may take seconds to get there.
        let ready = ContinuousClock.now + .seconds(30)
        while !Self.ignores(number, pid: process.processIdentifier), ContinuousClock.now < ready {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        kill(process.processIdentifier, number)
        let started = ContinuousClock.now
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == expected)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(String(decoding: error, as: UTF8.self).contains("run the same command again"))
    }

    /// Whether process `pid` has taken signal `number` over: ignored, caught or blocked, no longer the default
    /// action (its SigIgn, SigCgt and SigBlk masks in /proc).
    static func ignores(_ number: Int32, pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return ["SigIgn:", "SigCgt:", "SigBlk:"].contains { field in
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
                let mask = UInt64(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << UInt64(number - 1)) != 0
        }
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
