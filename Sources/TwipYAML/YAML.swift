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
        let bytes = try readFile(path, displayName: name, limit: limits.maxFileBytes)
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

    private static func readFile(_ path: String, displayName: String, limit: Int) throws(YAMLError) -> [UInt8] {
        switch FileBytes.load(path, limit: limit) {
        case .success(let bytes): return bytes
        case .failure(let failure):
            throw YAMLError(
                file: displayName, mark: Mark(line: 0, column: 0), message: "cannot open the file: \(failure.message)")
        }
    }
}
