/// Builds the node tree from parse events: resolves aliases, applies merge keys and enforces the limits.
///
/// A pure state machine fed one event at a time, so hostile input fails at the first event that crosses a
/// limit instead of after the whole tree is in memory.
struct TreeBuilder {
    /// A finished node with the number of nodes it holds and how deeply its collections nest.
    private struct Built {
        var node: Node
        var count: Int
        var height: Int
        /// The bytes of the scalars (keys included) it holds, what an alias to it copies.
        var bytes: Int
    }

    /// What a mapping has collected so far: an explicit key/value or the mappings a `<<` key merges in.
    private enum Entry {
        case pair(Node.Pair)
        case merge([[Node.Pair]])
    }

    /// A sequence or mapping whose end event has not arrived yet.
    private struct Open {
        var isMapping: Bool
        var mark: Mark
        var properties: Event.Properties
        var path: String
        var count = 1
        var bytes = 0
        var childHeight = 0
        var items: [Node] = []
        var entries: [Entry] = []
        var pendingKey: Node?
        var pendingKeyIsMerge = false
        var keyMarks: [String: Mark] = [:]
    }

    let file: String
    let limits: YAMLLimits
    private var stack: [Open] = []
    private var anchors: [String: Built] = [:]
    private var expandedNodes = 0
    private var expandedBytes = 0
    private var nodes = 0
    private var documents = 0
    /// The root node of the document; nil while none has been read or when the stream is empty.
    private(set) var document: Node?
    /// True once the end of the stream has been consumed.
    private(set) var isFinished = false

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    /// The key path of the next node to arrive, such as `services.web.ports[1]`.
    var currentPath: String {
        guard let top = stack.last else { return "" }
        guard top.isMapping else { return top.path + "[\(top.items.count)]" }
        guard let key = top.pendingKey else { return top.path }
        return Self.join(top.path, key.scalarText)
    }

    /// Feeds one event.
    mutating func consume(_ event: Event) throws(YAMLError) {
        switch event {
        case .streamStart, .documentEnd:
            break
        case .streamEnd:
            isFinished = true
        case .documentStart(let mark):
            documents += 1
            if documents > 1 {
                throw YAMLError(
                    file: file, mark: mark,
                    message: "multiple documents are not supported; put each stack in its own file")
            }
        case .alias(let name, let mark):
            try alias(name, at: mark)
        case .scalar(let text, let style, let properties, let mark):
            try count(1, at: mark)
            let built = Built(
                node: Node(.scalar(text, style), mark: mark, tag: properties.tag), count: 1, height: 0,
                bytes: text.utf8.count)
            remember(built, as: properties.anchor)
            try attach(built)
        case .sequenceStart(let properties, let mark):
            try open(isMapping: false, properties, at: mark)
        case .mappingStart(let properties, let mark):
            try open(isMapping: true, properties, at: mark)
        case .sequenceEnd, .mappingEnd:
            try close()
        }
    }

    private mutating func alias(_ name: String, at mark: Mark) throws(YAMLError) {
        guard let anchored = anchors[name] else {
            // An alias inside its own anchor's node lands here too: the anchor is defined only once complete.
            throw error(at: mark, "undefined alias \"\(name)\" (define it with &\(name) before using it)")
        }
        expandedNodes += anchored.count
        if expandedNodes > limits.maxAliasExpansion {
            throw error(at: mark, "alias expansion exceeds \(limits.maxAliasExpansion) nodes")
        }
        expandedBytes += anchored.bytes
        if expandedBytes > limits.maxAliasExpansionBytes {
            throw error(
                at: mark,
                "alias expansion exceeds \(FileBytes.describe(bytes: limits.maxAliasExpansionBytes)) of text")
        }
        if stack.count + anchored.height > limits.maxDepth {
            throw depthError(at: mark)
        }
        try count(anchored.count, at: mark)
        var node = anchored.node
        node.mark = mark
        try attach(Built(node: node, count: anchored.count, height: anchored.height, bytes: anchored.bytes))
    }

    private mutating func open(isMapping: Bool, _ properties: Event.Properties, at mark: Mark) throws(YAMLError) {
        if let top = stack.last, top.isMapping, top.pendingKey == nil {
            throw complexKeyError(at: mark, kind: isMapping ? "a mapping" : "a list", path: top.path)
        }
        if stack.count + 1 > limits.maxDepth {
            throw depthError(at: mark)
        }
        try count(1, at: mark)
        stack.append(Open(isMapping: isMapping, mark: mark, properties: properties, path: currentPath))
    }

    private mutating func close() throws(YAMLError) {
        guard let done = stack.popLast() else {
            throw error(at: Mark(line: 1, column: 1), "unbalanced YAML events")
        }
        let content: Node.Content = done.isMapping ? .mapping(Self.resolveMerges(done.entries)) : .sequence(done.items)
        let built = Built(
            node: Node(content, mark: done.mark, tag: done.properties.tag), count: done.count,
            height: done.childHeight + 1, bytes: done.bytes)
        remember(built, as: done.properties.anchor)
        try attach(built)
    }

    private mutating func count(_ added: Int, at mark: Mark) throws(YAMLError) {
        nodes += added
        if nodes > limits.maxNodes {
            throw error(at: mark, "the document has more than \(limits.maxNodes) values, keys and collections")
        }
    }

    private mutating func remember(_ built: Built, as anchor: String?) {
        if let anchor {
            anchors[anchor] = built
        }
    }

    /// Hands a finished node to the collection that is open, or makes it the document.
    private mutating func attach(_ built: Built) throws(YAMLError) {
        guard !stack.isEmpty else {
            document = built.node
            return
        }
        let top = stack.count - 1
        stack[top].count += built.count
        stack[top].bytes += built.bytes
        stack[top].childHeight = max(stack[top].childHeight, built.height)
        guard stack[top].isMapping else {
            stack[top].items.append(built.node)
            return
        }
        let path = stack[top].path
        if let key = stack[top].pendingKey {
            stack[top].pendingKey = nil
            if stack[top].pendingKeyIsMerge {
                let maps = try mergedMappings(built.node, path: Self.join(path, "<<"))
                stack[top].entries.append(.merge(maps))
            } else {
                stack[top].entries.append(.pair(Node.Pair(key: key, value: built.node)))
            }
            return
        }
        let key = built.node
        guard case .scalar(let text, let style) = key.content else {
            throw complexKeyError(at: key.mark, kind: key.kindName, path: path)
        }
        if let first = stack[top].keyMarks[text] {
            throw error(
                at: key.mark, path: Self.join(path, text), "duplicate key \"\(text)\" (first at line \(first.line))")
        }
        stack[top].keyMarks[text] = key.mark
        stack[top].pendingKey = key
        stack[top].pendingKeyIsMerge = text == "<<" && style == .plain && (key.tag == nil || key.tag == "!!merge")
    }

    /// The mappings a `<<` value brings in: the value itself, or each entry of a list of mappings.
    private func mergedMappings(_ value: Node, path: String) throws(YAMLError) -> [[Node.Pair]] {
        switch value.content {
        case .mapping(let pairs):
            return [pairs]
        case .sequence(let items):
            var maps: [[Node.Pair]] = []
            for item in items {
                guard case .mapping(let pairs) = item.content else {
                    throw mergeError(found: item, path: path)
                }
                maps.append(pairs)
            }
            return maps
        case .scalar:
            throw mergeError(found: value, path: path)
        }
    }

    /// Explicit keys win over merged ones; among merged mappings the earlier one wins.
    /// Merged keys take the place of the `<<` entry that brought them.
    private static func resolveMerges(_ entries: [Entry]) -> [Node.Pair] {
        var seen = Set<String>()
        for case .pair(let pair) in entries {
            seen.insert(pair.key.scalarText)
        }
        var pairs: [Node.Pair] = []
        for entry in entries {
            switch entry {
            case .pair(let pair):
                pairs.append(pair)
            case .merge(let maps):
                for map in maps {
                    for pair in map where seen.insert(pair.key.scalarText).inserted {
                        pairs.append(pair)
                    }
                }
            }
        }
        return pairs
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    private func error(at mark: Mark, path: String? = nil, _ message: String) -> YAMLError {
        YAMLError(file: file, mark: mark, path: path ?? currentPath, message: message)
    }

    private func depthError(at mark: Mark) -> YAMLError {
        error(at: mark, "nesting is deeper than \(limits.maxDepth) levels")
    }

    private func complexKeyError(at mark: Mark, kind: String, path: String) -> YAMLError {
        error(
            at: mark, path: path,
            "a mapping key must be a scalar, found \(kind) (complex keys are not supported)")
    }

    private func mergeError(found node: Node, path: String) -> YAMLError {
        error(
            at: node.mark, path: path,
            "the merge key \"<<\" needs a mapping, an alias to a mapping or a list of those, found \(node.kindName)")
    }
}

extension Node {
    /// The text of a scalar, empty for collections; used where only scalar keys can occur.
    var scalarText: String {
        if case .scalar(let text, _) = content {
            return text
        }
        return ""
    }
}
