extension Mark {
    /// The mark of a node made in code rather than read from a file.
    public static let synthesized = Mark(line: 0, column: 0)
}

extension Node {
    /// A string scalar; it stays a string whatever its text looks like (the emitter quotes it when needed).
    public static func string(_ text: String, mark: Mark = .synthesized) -> Node {
        Node(.scalar(text, .doubleQuoted), mark: mark)
    }

    /// An integer scalar.
    public static func int(_ value: Int, mark: Mark = .synthesized) -> Node {
        Node(.scalar(String(value), .plain), mark: mark)
    }

    /// A boolean scalar, written `true` or `false`.
    public static func bool(_ value: Bool, mark: Mark = .synthesized) -> Node {
        Node(.scalar(value ? "true" : "false", .plain), mark: mark)
    }

    /// A null scalar, written `null`.
    public static func null(mark: Mark = .synthesized) -> Node {
        Node(.scalar("null", .plain), mark: mark)
    }

    /// A sequence of `items`.
    public static func list(_ items: [Node], mark: Mark = .synthesized) -> Node {
        Node(.sequence(items), mark: mark)
    }

    /// A mapping with string keys, in the given order.
    public static func mapping(_ entries: [(key: String, value: Node)], mark: Mark = .synthesized) -> Node {
        Node(.mapping(entries.map { Pair(key: .string($0.key), value: $0.value) }), mark: mark)
    }
}
