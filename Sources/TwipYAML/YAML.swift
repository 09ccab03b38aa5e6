#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads YAML into a `Node` tree through libyaml.
public enum YAML {
    /// Parses one YAML document; nil for an empty file.
    public static func parse(_ bytes: [UInt8], file: String, limits: YAMLLimits = .init()) throws(YAMLError) -> Node? {
        let result: Result<Node?, YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) -> Node? in try parse(buffer, file: file, limits: limits) }
        }
        return try result.get()
    }

    /// Reads and parses the file at `path`; errors name it `displayName` when given.
    public static func parse(
        contentsOf path: String, displayName: String? = nil, limits: YAMLLimits = .init()
    ) throws(YAMLError) -> Node? {
        let name = displayName ?? path
        let bytes = try readFile(path, displayName: name)
        return try parse(bytes, file: name, limits: limits)
    }

    private static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits
    ) throws(YAMLError) -> Node? {
        try SourceText.validate(buffer, file: file)
        guard !buffer.isEmpty else { return nil }
        var builder = TreeBuilder(file: file, limits: limits)
        var reader = try EventReader(buffer, file: file)
        while !builder.isFinished {
            try builder.consume(reader.next(path: builder.currentPath))
        }
        return builder.document
    }

    private static func readFile(_ path: String, displayName: String) throws(YAMLError) -> [UInt8] {
        func failure(_ action: String) -> YAMLError {
            let reason = String(cString: strerror(errno))
            return YAMLError(file: displayName, mark: Mark(line: 0, column: 0), message: "cannot \(action): \(reason)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open the file") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read the file")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}
