import Foundation

/// A program run on the host (apt-get, git, debootstrap, chroot, mount) with its output captured.
struct HostCommand: Sendable {
    /// Absolute path of the program.
    var executable: String
    /// Its arguments.
    var arguments: [String]
    /// Extra environment variables.
    var environment: [String: String] = [:]

    /// The command line as the operator would type it.
    var commandLine: String { ([executable] + arguments).joined(separator: " ") }

    /// Runs the command to completion and returns its exit status and combined output.
    func run() async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // A file, not a pipe: apt and debootstrap print more than a pipe buffer holds.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("twip-base-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            process.terminate()
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// Runs the command and throws, with the tail of its output, when it exits non-zero.
    @discardableResult
    func check() async throws -> String {
        let (status, output) = try await run()
        guard status == 0 else {
            throw BaseImageError(
                "`\(commandLine)` exited with status \(status): \(BaseImageError.summary(of: output))")
        }
        return output
    }

    /// The path of `name` on the usual sbin/bin folders, if it is installed.
    static func locate(_ name: String) -> String? {
        for folder in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"] {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
