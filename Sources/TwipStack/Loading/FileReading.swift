import TwipYAML

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

/// Reads the files a stack names: only regular files, each kind with its own size limit.
enum FileReading {
    /// The largest stack file read.
    static let stackLimit = 4 << 20
    /// The largest `.env` or `env_file` read.
    static let envFileLimit = 1 << 20

    static func bytes(atPath path: String, limit: Int) -> Result<[UInt8], FileReadError> {
        FileBytes.load(path, limit: limit).mapError { FileReadError(message: $0.message, isMissing: $0.isMissing) }
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
