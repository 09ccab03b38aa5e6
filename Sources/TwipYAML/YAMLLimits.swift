/// Bounds that keep a hostile or broken document from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// The most nodes that alias expansion may produce in one document, counted over every alias use.
    public var maxAliasExpansion: Int
    /// The most scalar bytes that alias expansion may copy in one document, counted over every alias use.
    public var maxAliasExpansionBytes: Int
    /// The deepest nesting of sequences and mappings allowed (the top-level collection is depth 1).
    public var maxDepth: Int
    /// The largest file `YAML.parse(contentsOf:)` reads.
    public var maxFileBytes: Int
    /// The most nodes (scalars, keys included, and collections, aliases expanded) one document may hold; it
    /// bounds the work of everything that reads the tree.
    public var maxNodes: Int

    /// Creates limits; the defaults are far above anything a stack file needs.
    public init(
        maxAliasExpansion: Int = 100_000, maxAliasExpansionBytes: Int = 16 << 20, maxDepth: Int = 256,
        maxFileBytes: Int = 4 << 20, maxNodes: Int = 100_000
    ) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxAliasExpansionBytes = maxAliasExpansionBytes
        self.maxDepth = maxDepth
        self.maxFileBytes = maxFileBytes
        self.maxNodes = maxNodes
    }
}
