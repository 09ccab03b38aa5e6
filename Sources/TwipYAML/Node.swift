/// A position in a YAML source file; both numbers are 1-based.
public struct Mark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written; a quoted scalar is always a string, never a number or bool.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a parsed YAML document, with the place it was written.
///
/// Aliases are already resolved (the aliased node is copied in) and merge keys (`<<`)
/// already applied, so consumers only ever see scalars, sequences and mappings.
public struct Node: Sendable, Hashable {
    /// One key/value entry of a mapping, in source order.
    public struct Pair: Sendable, Hashable {
        public var key: Node
        public var value: Node
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    /// The content of a node.
    public enum Content: Sendable, Hashable {
        case scalar(String, ScalarStyle)
        case sequence([Node])
        case mapping([Pair])
    }

    public var content: Content
    /// Where the node starts in its file.
    public var mark: Mark
    /// An explicit tag (`!!str`, `!custom`), nil when none was written.
    public var tag: String?

    public init(_ content: Content, mark: Mark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }
}
