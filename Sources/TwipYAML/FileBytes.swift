#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole regular files with plain POSIX calls, never more than a given number of bytes.
///
/// Devices, pipes and directories are refused before anything is read (`-f /dev/zero` must not read without
/// end, a FIFO must not block), and a file over the limit is refused instead of being loaded.
public enum FileBytes {
    /// Why a file could not be read, in the system's words where the system said it.
    public struct Failure: Error, Sendable, Equatable {
        /// What went wrong, e.g. `No such file or directory` or `not a regular file`.
        public var message: String
        /// True when the file does not exist (an optional file may be missing).
        public var isMissing: Bool

        /// Creates a failure.
        public init(message: String, isMissing: Bool = false) {
            self.message = message
            self.isMissing = isMissing
        }
    }

    /// The bytes of the regular file at `path`; fails when it is anything else or holds more than `limit` bytes.
    public static func load(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        // O_NONBLOCK keeps open() of a FIFO from waiting for a writer; regular files ignore it.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(systemFailure()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(systemFailure()) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return .failure(Failure(message: "not a regular file (\(kind(of: status.st_mode)))"))
        }
        guard status.st_size <= limit else {
            return .failure(Failure(message: "it is larger than \(describe(bytes: limit))"))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(systemFailure())
            }
            if count == 0 { break }
            // The file may grow while it is read.
            guard bytes.count + count <= limit else {
                return .failure(Failure(message: "it is larger than \(describe(bytes: limit))"))
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    /// `4 MiB`, `1 MiB`, `512 KiB` or a number of bytes.
    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a pipe"
        case S_IFSOCK: "a socket"
        default: "not a file"
        }
    }

    private static func systemFailure() -> Failure {
        let code = errno
        return Failure(message: String(cString: strerror(code)), isMissing: code == ENOENT)
    }
}
