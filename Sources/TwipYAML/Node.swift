/// A position in a YAML source file; both numbers are 1-based.
public struct Mark: Sendable, Hashable, CustomStringConvertible {
    /// The line, counting from 1.
    public var line: Int
    /// The column in characters, counting from 1.
    public var column: Int

    /// Creates a mark from 1-based numbers.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `LINE:COLUMN`.
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
        /// Creates an entry.
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

    /// What the node holds.
    public var content: Content
    /// Where the node starts in its file.
    public var mark: Mark
    /// An explicit tag (`!!str`, `!custom`), nil when none was written.
    public var tag: String?

    /// Creates a node; `tag` is the explicit tag as written, such as `!!str`.
    public init(_ content: Content, mark: Mark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }
}
