import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One mutating command at a time per environment and engine: an exclusive `flock` on a file named after both.
///
/// The kernel releases the lock when its holder exits, however it exits, so a killed twip never leaves a stale
/// lock. It covers the commands run on this machine (where twip runs, not where the engine is).
struct EnvironmentLock {
    /// Where lock files live: /run/twip for root, else the temporary folder.
    static var directory: String {
        geteuid() == 0 ? "/run/twip" : NSTemporaryDirectory() + "twip-\(getuid())"
    }

    var path: String

    init(engine: String, environment: String) {
        let key = engine.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "_" }.joined()
        path = "\(Self.directory)/\(key)--\(environment).lock"
    }

    /// Runs `body` holding the lock; waits for another holder (saying so once through `waiting`) until `deadline`.
    func withLock<T>(
        deadline: ContinuousClock.Instant, waiting: (String) -> Void, _ body: () async throws -> T
    ) async throws -> T {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OperationFailure("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var said = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                throw OperationFailure("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !said {
                waiting(holder.isEmpty ? "another twip command" : holder)
                said = true
            }
            guard ContinuousClock.now < deadline else {
                throw OperationFailure(
                    "another twip command (\(holder.isEmpty ? "unknown" : holder)) still changes this environment; "
                        + "try again when it has finished")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        defer { flock(fd, LOCK_UN) }
        let line = "pid \(getpid()): \(CommandLine.arguments.dropFirst().joined(separator: " "))\n"
        ftruncate(fd, 0)
        _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
        return try await body()
    }
}
