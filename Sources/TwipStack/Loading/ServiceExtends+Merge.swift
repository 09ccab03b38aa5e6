import TwipYAML

/// How `extends` merges a service over the one it extends, and the node helpers it needs.
extension ServiceExtends {
    // MARK: - Merging

    /// `local` over `base`, as compose merges a service over the one it extends.
    static func merge(base: Node, local: Node) -> Node {
        guard case .mapping(let basePairs) = base.content, case .mapping(let localPairs) = local.content else {
            return withoutExtends(local)
        }
        var result: [Node.Pair] = []
        var merged: Set<String> = []
        for pair in basePairs {
            guard let key = pair.key.stackScalarText, !notInherited.contains(key) else { continue }
            if let mine = localPairs.first(where: { $0.key.stackScalarText == key }) {
                result.append(Node.Pair(key: mine.key, value: mergeValue(key, base: pair.value, local: mine.value)))
                merged.insert(key)
            } else {
                result.append(pair)
            }
        }
        for pair in localPairs {
            guard let key = pair.key.stackScalarText, key != "extends", !merged.contains(key) else { continue }
            result.append(pair)
        }
        var node = local
        node.content = .mapping(result)
        return node
    }

    static func mergeValue(_ key: String, base: Node, local: Node) -> Node {
        if local.stackIsNull || base.stackIsNull { return local }
        if mappings.contains(key) {
            guard let base = asMapping(key, base), let mine = asMapping(key, local) else { return local }
            return deepMerge(base: base, local: mine)
        }
        if appended.contains(key) || byTarget.contains(key) {
            let baseItems = asSequence(base)
            let localItems = asSequence(local)
            let items: [Node]
            if byTarget.contains(key) {
                let replaced = Set(localItems.compactMap { target(of: $0, key: key) })
                items =
                    baseItems.filter { target(of: $0, key: key).map { !replaced.contains($0) } ?? true } + localItems
            } else {
                var seen: Set<String> = []
                items = (baseItems + localItems).filter { item in
                    guard let text = canonical(item) else { return true }
                    return seen.insert(text).inserted
                }
            }
            var node = local
            node.content = .sequence(items)
            return node
        }
        return local
    }

    /// Mappings merged key by key, nested mappings too; anything else is the local value.
    static func deepMerge(base: Node, local: Node) -> Node {
        guard case .mapping(let basePairs) = base.content, case .mapping(let localPairs) = local.content else {
            return local
        }
        var result: [Node.Pair] = []
        var merged: Set<String> = []
        for pair in basePairs {
            let key = pair.key.stackScalarText ?? ""
            if let mine = localPairs.first(where: { $0.key.stackScalarText == key }) {
                let value =
                    mine.value.stackIsNull || pair.value.stackIsNull
                    ? mine.value : deepMerge(base: pair.value, local: mine.value)
                result.append(Node.Pair(key: mine.key, value: value))
                merged.insert(key)
            } else {
                result.append(pair)
            }
        }
        result += localPairs.filter { !merged.contains($0.key.stackScalarText ?? "") }
        var node = local
        node.content = .mapping(result)
        return node
    }

    /// A mapping-valued key in its mapping form: `KEY=VALUE` lists (`environment`, `labels`, `sysctls`), `HOST:IP`
    /// lists (`extra_hosts`), network name lists, a build context string.
    static func asMapping(_ key: String, _ node: Node) -> Node? {
        switch node.content {
        case .mapping:
            return node
        case .scalar where key == "build":
            var mapping = node
            mapping.content = .mapping([Node.Pair(key: Node(.scalar("context", .plain), mark: node.mark), value: node)])
            return mapping
        case .sequence(let items):
            var pairs: [Node.Pair] = []
            for item in items {
                guard let text = item.stackScalarText, !item.stackIsNull else { return nil }
                let separator: Character = key == "extra_hosts" ? (text.contains("=") ? "=" : ":") : "="
                let parts = key == "networks" ? [Substring(text)] : text.split(separator: separator, maxSplits: 1)
                let name = String(parts.first ?? "")
                let value =
                    parts.count > 1
                    ? Node(.scalar(String(parts[1]), .doubleQuoted), mark: item.mark)
                    : Node(.scalar("null", .plain), mark: item.mark)
                pairs.append(Node.Pair(key: Node(.scalar(name, .plain), mark: item.mark), value: value))
            }
            var mapping = node
            mapping.content = .mapping(pairs)
            return mapping
        default:
            return nil
        }
    }

    static func asSequence(_ node: Node) -> [Node] {
        if case .sequence(let items) = node.content { return items }
        return [node]
    }

    /// What identifies an entry of `volumes`, `devices`, `secrets` or `configs`: the path (or name) in the
    /// container.
    static func target(of item: Node, key: String) -> String? {
        if case .mapping = item.content {
            return entry("target", in: item)?.value.stackScalarText ?? entry("source", in: item)?.value.stackScalarText
        }
        guard let text = item.stackScalarText else { return nil }
        if key == "secrets" || key == "configs" { return text }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        return parts.count >= 2 ? parts[1] : parts[0]
    }

    /// A scalar entry's text, or a mapping entry's sorted `key=value` list, for finding duplicates.
    static func canonical(_ node: Node) -> String? {
        switch node.content {
        case .scalar(let text, _): return text
        case .mapping(let pairs):
            return pairs.compactMap { pair in
                guard let key = pair.key.stackScalarText, let value = pair.value.stackScalarText else { return nil }
                return "\(key)=\(value)"
            }.sorted().joined(separator: ",")
        case .sequence: return nil
        }
    }

    // MARK: - Nodes

    static func entry(_ key: String, in node: Node) -> Node.Pair? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.key.stackScalarText == key && !$0.value.stackIsNull }
    }

    /// A service that could not be resolved, with its own keys only.
    static func withoutExtends(_ node: Node) -> Node {
        guard case .mapping(let pairs) = node.content else { return node }
        var result = node
        result.content = .mapping(pairs.filter { $0.key.stackScalarText != "extends" })
        return result
    }

    /// Every node of `node` placed at `mark` (what another file brought in is reported where it was brought in).
    static func placing(_ node: Node, at mark: Mark) -> Node {
        var result = node
        result.mark = mark
        switch node.content {
        case .scalar: break
        case .sequence(let items): result.content = .sequence(items.map { placing($0, at: mark) })
        case .mapping(let pairs):
            result.content = .mapping(
                pairs.map { Node.Pair(key: placing($0.key, at: mark), value: placing($0.value, at: mark)) })
        }
        return result
    }

    /// A service from a file in another folder with its relative paths made absolute, so that they keep meaning
    /// what they meant there: the build context, env files, bind mount sources.
    static func rebasingPaths(_ service: Node, onto directory: String) -> Node {
        guard case .mapping(let pairs) = service.content else { return service }
        func absolute(_ node: Node, onlyDotted: Bool) -> Node {
            guard case .scalar(let text, let style) = node.content, !text.hasPrefix("/"), !text.isEmpty,
                !text.contains("://"), !text.hasPrefix("git@")
            else { return node }
            if onlyDotted && !(text == "." || text == ".." || text.hasPrefix("./") || text.hasPrefix("../")) {
                return node
            }
            var result = node
            result.content = .scalar(normalizePath(directory + "/" + text), style)
            return result
        }
        func mapEntries(_ node: Node, _ keys: Set<String>, onlyDotted: Bool) -> Node {
            guard case .mapping(let pairs) = node.content else { return absolute(node, onlyDotted: onlyDotted) }
            var result = node
            result.content = .mapping(
                pairs.map { pair in
                    keys.contains(pair.key.stackScalarText ?? "")
                        ? Node.Pair(key: pair.key, value: absolute(pair.value, onlyDotted: onlyDotted)) : pair
                })
            return result
        }
        var result = service
        result.content = .mapping(
            pairs.map { pair in
                var value = pair.value
                switch pair.key.stackScalarText {
                case "build":
                    value = mapEntries(value, ["context"], onlyDotted: false)
                case "env_file":
                    value.content = .sequence(asSequence(value).map { mapEntries($0, ["path"], onlyDotted: false) })
                    if case .scalar = pair.value.content { value = absolute(pair.value, onlyDotted: false) }
                case "volumes":
                    value.content = .sequence(
                        asSequence(value).map { item in
                            if case .mapping = item.content { return mapEntries(item, ["source"], onlyDotted: true) }
                            guard case .scalar(let text, let style) = item.content else { return item }
                            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                            guard parts.count == 2 else { return item }
                            let source = absolute(
                                Node(.scalar(String(parts[0]), style), mark: item.mark), onlyDotted: true)
                            var rebased = item
                            rebased.content = .scalar(
                                (source.stackScalarText ?? String(parts[0])) + ":" + parts[1], style)
                            return rebased
                        })
                default: break
                }
                return Node.Pair(key: pair.key, value: value)
            })
        return result
    }

    static func directory(of path: String) -> String {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return folder.isEmpty ? "/" : folder
    }
}
