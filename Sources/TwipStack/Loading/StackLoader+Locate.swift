import TwipYAML

extension StackLoader {
    /// Where the key at `keyPath` (e.g. `["services", "web", "ports"]`) is written in the stack file at `path`,
    /// as 1-based line and column; the deepest key found on the way when the whole path is not there, 1:1 when
    /// nothing is. For problems found after loading (what a backend cannot do) to be reported like the others.
    public static func location(of keyPath: [String], inFile path: String) -> (line: Int, column: Int) {
        guard let root = try? YAML.parse(contentsOf: path) else { return (1, 1) }
        var node = root
        var found = (line: 1, column: 1)
        for key in keyPath {
            guard case .mapping(let pairs) = node.content,
                let pair = pairs.first(where: { pair in
                    if case .scalar(let text, _) = pair.key.content { return text == key }
                    return false
                })
            else { break }
            found = (pair.key.mark.line, pair.key.mark.column)
            node = pair.value
        }
        return found
    }
}
