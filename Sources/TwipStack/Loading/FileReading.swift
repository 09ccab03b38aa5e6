#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read: the system's message and whether the file simply does not exist.
struct FileReadError: Error, Sendable {
    var message: String
    var isMissing: Bool
}

/// Reads whole files with plain POSIX calls so the error text is the system's own (`No such file or directory`).
enum FileReading {
    static func bytes(atPath path: String) -> Result<[UInt8], FileReadError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(currentError()) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(currentError())
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return .success(result)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func currentError() -> FileReadError {
        let code = errno
        let message = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return FileReadError(message: message, isMissing: code == ENOENT)
    }
}
