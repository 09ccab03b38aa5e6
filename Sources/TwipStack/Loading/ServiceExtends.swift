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
    /// Services already resolved, by file and name: a base shared by many is merged once.
    private var resolved: [String: Node] = [:]
    /// Nodes the merges made so far: extends copies a base into every service built on it, so a small file could
    /// otherwise grow into a huge stack.
    private var copiedNodes = 0
    /// How deep `extends` may chain; far more than any real file needs, and a bound for hostile ones.
    static let maxDepth = 32
    /// How many nodes the merges may make in all (a stack file holds at most 100000).
    static let maxCopiedNodes = 200_000

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
        let key = document.absolutePath + "#" + name
        if let known = resolved[key] { return known }
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
        let merged = Self.merge(base: base, local: node)
        guard copiedNodes <= Self.maxCopiedNodes else { return Self.withoutExtends(node) }
        copiedNodes += Self.count(merged)
        if copiedNodes > Self.maxCopiedNodes {
            report(
                extends.value, path, in: document,
                "extends copies more than \(Self.maxCopiedNodes) YAML nodes into the stack; stopped here")
            return Self.withoutExtends(node)
        }
        resolved[key] = merged
        return merged
    }

    /// How many nodes `node` holds, itself included.
    static func count(_ node: Node) -> Int {
        switch node.content {
        case .scalar: 1
        case .sequence(let items): items.reduce(1) { $0 + count($1) }
        case .mapping(let pairs): pairs.reduce(1) { $0 + count($1.key) + count($1.value) }
        }
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
