import TwipYAML

/// `extends: {service: NAME, file: FILE}`: a service built on another one, from the same file or another, resolved
/// on the YAML tree before decoding, merged as compose merges them: mappings (`environment`, `labels`, `build`,
/// `healthcheck`, `deploy`, ...) key by key with the extending service winning, lists like `ports`, `expose` or
/// `dns` appended without duplicates, `volumes`, `devices`, `secrets` and `configs` by their target, everything
/// else replaced; `depends_on`, `volumes_from` and `links` are never inherited (the dependencies of a service stay
/// visible where it is written).
///
/// What comes from another file is placed, for later problems, at the `extends` entry that brought it in; paths in
/// it (build context, `env_file`, bind mounts) stay relative to its own file.
struct ServiceExtends {
    /// One stack file taking part: where it is, as written and on disk, and its services.
    struct Document {
        var displayPath: String
        var absolutePath: String
        var directory: String
        var services: [Node.Pair]

        func service(named name: String) -> Node? {
            services.first { $0.key.stackScalarText == name }?.value
        }
    }

    /// Reads, parses and interpolates another stack file: its root node and warnings, or the problems that stopped
    /// it.
    let readFile: (_ absolutePath: String, _ displayPath: String) -> Result<ExtendedFile, StackErrors>
    private(set) var problems: [StackProblem] = []
    /// What the other files said that does not stop loading (a variable not set).
    private(set) var warnings: [StackProblem] = []
    private var documents: [String: Document] = [:]
    /// How deep `extends` may chain; far more than any real file needs, and a bound for hostile ones.
    static let maxDepth = 32

    static let notInherited: Set<String> = ["depends_on", "volumes_from", "links", "extends"]
    static let mappings: Set<String> = [
        "environment", "labels", "extra_hosts", "healthcheck", "ulimits", "sysctls", "networks", "build", "logging",
        "deploy", "storage_opt",
    ]
    static let appended: Set<String> = [
        "ports", "expose", "dns", "dns_search", "dns_opt", "cap_add", "cap_drop", "security_opt", "tmpfs", "env_file",
        "external_links", "group_add",
    ]
    static let byTarget: Set<String> = ["volumes", "devices", "secrets", "configs"]

    init(readFile: @escaping (_ absolutePath: String, _ displayPath: String) -> Result<ExtendedFile, StackErrors>) {
        self.readFile = readFile
    }

    /// `root` with every service that extends another replaced by the merge of the two.
    mutating func resolve(_ root: Node, displayPath: String, absolutePath: String) -> Node {
        guard case .mapping(var pairs) = root.content,
            let index = pairs.firstIndex(where: { $0.key.stackScalarText == "services" }),
            case .mapping(let services) = pairs[index].value.content,
            services.contains(where: { Self.entry("extends", in: $0.value) != nil })
        else { return root }
        let document = Document(
            displayPath: displayPath, absolutePath: absolutePath, directory: Self.directory(of: absolutePath),
            services: services)
        documents[absolutePath] = document
        let resolved = services.map { pair -> Node.Pair in
            guard let name = pair.key.stackScalarText, Self.entry("extends", in: pair.value) != nil else { return pair }
            return Node.Pair(key: pair.key, value: service(name, in: document, chain: []) ?? pair.value)
        }
        var servicesNode = pairs[index].value
        servicesNode.content = .mapping(resolved)
        pairs[index].value = servicesNode
        var result = root
        result.content = .mapping(pairs)
        return result
    }

    /// The service `name` of `document` with what it extends merged in; nil when there is no such service.
    mutating func service(_ name: String, in document: Document, chain: [String]) -> Node? {
        guard let node = document.service(named: name) else { return nil }
        guard let extends = Self.entry("extends", in: node) else { return node }
        let path = "services.\(name).extends"
        let link = "\(document.displayPath):\(name)"
        if chain.contains(link) || chain.count >= Self.maxDepth {
            let cycle = (chain + [link]).map { $0.split(separator: ":").last.map(String.init) ?? $0 }
            report(
                extends.value, path, in: document,
                chain.count >= Self.maxDepth
                    ? "extends chains more than \(Self.maxDepth) services"
                    : "extends cycle: \(cycle.joined(separator: " -> "))")
            return Self.withoutExtends(node)
        }
        guard let (baseName, baseNameNode, file) = target(of: extends.value, path: path, in: document) else {
            return Self.withoutExtends(node)
        }
        var source = document
        if let file {
            guard let other = load(file, from: document, at: extends.value, path: path) else {
                return Self.withoutExtends(node)
            }
            source = other
        }
        guard var base = service(baseName, in: source, chain: chain + [link]) else {
            report(
                baseNameNode, joinPath(path, "service"), in: document,
                "no service \"\(baseName)\" in \(source.displayPath) to extend")
            return Self.withoutExtends(node)
        }
        if source.absolutePath != document.absolutePath {
            if source.directory != document.directory { base = Self.rebasingPaths(base, onto: source.directory) }
            base = Self.placing(base, at: extends.key.mark)
        }
        return Self.merge(base: base, local: node)
    }

    /// The service name, its node and the file (nil: this one) an `extends` value names.
    mutating func target(of value: Node, path: String, in document: Document) -> (String, Node, String?)? {
        if let name = value.stackScalarText, !value.stackIsNull {
            return (name, value, nil)
        }
        guard case .mapping(let pairs) = value.content else {
            report(value, path, in: document, "expected a mapping with service (and file), got \(value.stackKindName)")
            return nil
        }
        var service: (String, Node)?
        var file: String?
        for pair in pairs {
            let key = pair.key.stackScalarText ?? ""
            switch key {
            case "service":
                guard let text = pair.value.stackScalarText, !pair.value.stackIsNull, !text.isEmpty else {
                    report(pair.value, joinPath(path, key), in: document, "expected a service name")
                    return nil
                }
                service = (text, pair.value)
            case "file":
                guard let text = pair.value.stackScalarText, !pair.value.stackIsNull, !text.isEmpty else {
                    report(pair.value, joinPath(path, key), in: document, "expected a file path")
                    return nil
                }
                file = text
            default:
                report(
                    pair.key, joinPath(path, key), in: document,
                    "unknown key \"\(key)\"; extends takes service and file")
                return nil
            }
        }
        guard let service else {
            report(value, path, in: document, "extends needs the service to extend (service: NAME)")
            return nil
        }
        return (service.0, service.1, file)
    }

    /// The other stack file `file` names (relative to `document`'s folder), read once.
    mutating func load(_ file: String, from document: Document, at node: Node, path: String) -> Document? {
        let absolute = normalizePath(file.hasPrefix("/") ? file : document.directory + "/" + file)
        if let known = documents[absolute] { return known }
        let displayFolder = document.displayPath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        let display =
            file.hasPrefix("/") || displayFolder.isEmpty
            ? file : (document.displayPath.hasPrefix("/") ? "/" : "") + normalizeDisplay(displayFolder + "/" + file)
        switch readFile(absolute, display) {
        case .failure(let found):
            // A file that cannot be read is reported where it is named; problems inside it, where they are.
            for problem in found.problems {
                if problem.line == 0 {
                    report(node, joinPath(path, "file"), in: document, "cannot extend from \(file): \(problem.message)")
                } else {
                    problems.append(problem)
                }
            }
            return nil
        case .success(let read):
            warnings += read.warnings
            guard case .mapping(let pairs) = read.root.content,
                let services = pairs.first(where: { $0.key.stackScalarText == "services" })?.value,
                case .mapping(let servicePairs) = services.content
            else {
                report(node, joinPath(path, "file"), in: document, "\(file) has no services mapping to extend from")
                return nil
            }
            let other = Document(
                displayPath: display, absolutePath: absolute, directory: Self.directory(of: absolute),
                services: servicePairs)
            documents[absolute] = other
            return other
        }
    }

    mutating func report(_ node: Node, _ path: String, in document: Document, _ message: String) {
        problems.append(
            StackProblem(
                file: document.displayPath, line: node.mark.line, column: node.mark.column, path: path,
                message: message))
    }

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

/// Another stack file as `extends` reads it: parsed and interpolated, with the warnings interpolation gave.
struct ExtendedFile {
    var root: Node
    var warnings: [StackProblem]
}

/// `a/./b/../c` as `a/c`, for paths shown to the operator (relative ones stay relative).
private func normalizeDisplay(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
            continue
        }
        parts.append(part)
    }
    return parts.joined(separator: "/")
}
