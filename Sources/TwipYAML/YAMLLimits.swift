/// Bounds that keep a hostile or broken document from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// The most nodes that alias expansion may produce in one document, counted over every alias use.
    public var maxAliasExpansion: Int
    /// The deepest nesting of sequences and mappings allowed (the top-level collection is depth 1).
    public var maxDepth: Int

    /// Creates limits; the defaults are far above anything a stack file needs.
    public init(maxAliasExpansion: Int = 100_000, maxDepth: Int = 256) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
    }
}
