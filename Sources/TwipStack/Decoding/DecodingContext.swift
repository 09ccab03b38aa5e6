import TwipYAML

/// Collects problems while decoding and offers typed readers that report a wrong type instead of throwing.
final class DecodingContext {
    let file: String
    let directory: String
    let variables: [String: String]
    private(set) var problems: [StackProblem] = []
    /// Keys that load but that twip cannot honour, named so they are never dropped silently.
    private(set) var warnings: [StackProblem] = []
    /// Values already reported (their interpolation failed): problems found at them later would only repeat it.
    var settledMarks: Set<Mark> = []

    init(file: String, directory: String, variables: [String: String]) {
        self.file = file
        self.directory = directory
        self.variables = variables
    }

    func report(_ node: Node, _ path: String, _ message: String) {
        guard !settledMarks.contains(node.mark) else { return }
        // A message quoting a huge value is cut, so that every problem stays a readable line.
        let message = message.utf8.count <= 2000 ? message : String(message.prefix(1000)) + "..."
        problems.append(
            StackProblem(file: file, line: node.mark.line, column: node.mark.column, path: path, message: message))
    }

    func warn(_ node: Node, _ path: String, _ message: String) {
        warnings.append(
            StackProblem(file: file, line: node.mark.line, column: node.mark.column, path: path, message: message))
    }

    func typeMismatch(_ node: Node, _ path: String, expected: String) {
        report(node, path, "expected \(expected), got \(node.stackKindName)")
    }

    /// The known, non-null entries of a mapping; unknown keys are reported with a suggestion, `x-*` keys skipped.
    func entries(_ node: Node, _ path: String, known: [String]) -> [(key: String, value: Node, keyNode: Node)]? {
        guard case .mapping(let pairs) = node.content else {
            typeMismatch(node, path, expected: "a mapping")
            return nil
        }
        var result: [(key: String, value: Node, keyNode: Node)] = []
        for pair in pairs {
            guard let key = pair.key.stackScalarText else {
                report(pair.key, path, "keys must be strings, got \(pair.key.stackKindName)")
                continue
            }
            if key.hasPrefix("x-") { continue }
            guard known.contains(key) else {
                var message = "unknown key \"\(Self.excerpt(key))\""
                var suggestions = Suggestions(candidates: known)
                if let best = suggestions.closest(to: key) { message += "; did you mean \"\(best)\"?" }
                report(pair.key, joinPath(path, key), message)
                continue
            }
            if pair.value.stackIsNull { continue }
            result.append((key, pair.value, pair.key))
        }
        return result
    }

    /// The `x-*` entries of a mapping.
    func extensions(_ node: Node) -> [Extension] {
        guard case .mapping(let pairs) = node.content else { return [] }
        return pairs.compactMap { pair in
            guard let key = pair.key.stackScalarText, key.hasPrefix("x-") else { return nil }
            return Extension(key: key, value: ExtensionValue(pair.value))
        }
    }

    func string(_ node: Node, _ path: String) -> String? {
        guard let text = node.stackScalarText, !node.stackIsNull else {
            typeMismatch(node, path, expected: "a string")
            return nil
        }
        return text
    }

    func int(_ node: Node, _ path: String, minimum: Int = 0, maximum: Int? = nil) -> Int? {
        guard let text = node.stackScalarText, !node.stackIsNull else {
            typeMismatch(node, path, expected: "a number")
            return nil
        }
        guard let value = ValueParsers.int(text), value >= minimum, value <= maximum ?? .max else {
            let bound = maximum.map { "from \(minimum) to \($0)" } ?? "of at least \(minimum)"
            report(node, path, "invalid number \"\(Self.excerpt(text))\": expected a whole number \(bound)")
            return nil
        }
        return value
    }

    /// Long values are cut in messages so that one problem stays one readable line.
    static func excerpt(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "..."
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let text = node.stackScalarText, let value = ValueParsers.bool(text) else {
            report(node, path, "expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    /// A duration; with `minimumNonZero`, a value other than 0 must be at least that long (the engine's rule).
    func duration(_ node: Node, _ path: String, minimumNonZero: Duration? = nil) -> Duration? {
        guard let text = string(node, path) else { return nil }
        guard let value = ValueParsers.duration(text) else {
            report(
                node, path,
                "invalid duration \"\(Self.excerpt(text))\": expected a number with a unit such as 30s, 1m30s or 500ms")
            return nil
        }
        if let minimum = minimumNonZero, value != .zero, value < minimum {
            report(
                node, path,
                "duration \"\(text)\" is too short: the engine needs 0 (its default) or at least \(ValueParsers.format(minimum))"
            )
            return nil
        }
        return value
    }

    func size(_ node: Node, _ path: String) -> Int64? {
        guard let text = string(node, path) else { return nil }
        guard let value = ValueParsers.size(text) else {
            report(
                node, path,
                "invalid size \"\(Self.excerpt(text))\": expected bytes or a number with a unit such as 512m, 1g or 1024k"
            )
            return nil
        }
        return value
    }

    /// The most CPUs a service may ask for; also keeps the engine's nano-CPU count far from overflowing.
    static let maximumCPUs = 1024.0

    func cpus(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = ValueParsers.cpus(text) else {
            report(
                node, path,
                "invalid cpus \"\(Self.excerpt(text))\": expected a positive decimal number such as 0.5 or 2")
            return nil
        }
        guard value >= 0.01, value <= Self.maximumCPUs else {
            report(node, path, "invalid cpus \"\(text)\": expected a number from 0.01 to \(Int(Self.maximumCPUs))")
            return nil
        }
        return value
    }

    /// A list of strings; with `allowString` a single string is a one-element list.
    func stringList(_ node: Node, _ path: String, allowString: Bool = false) -> [String]? {
        if allowString, node.stackScalarText != nil, !node.stackIsNull {
            return [node.stackScalarText ?? ""]
        }
        guard case .sequence(let items) = node.content else {
            typeMismatch(node, path, expected: allowString ? "a string or a list" : "a list")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, "\(path)[\(index)]") { result.append(text) }
        }
        return result
    }

    /// A `K=V` list or a mapping, in source order; a bare `K` (or a null value) gives nil.
    func keyValues(_ node: Node, _ path: String) -> [(key: String, value: String?)]? {
        switch node.content {
        case .sequence(let items):
            var result: [(key: String, value: String?)] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard let text = string(item, itemPath) else { continue }
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard !parts[0].isEmpty else {
                    report(item, itemPath, "invalid entry \"\(text)\": expected KEY=VALUE")
                    continue
                }
                result.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : nil))
            }
            return result
        case .mapping(let pairs):
            var result: [(key: String, value: String?)] = []
            for pair in pairs {
                guard let key = pair.key.stackScalarText else {
                    report(pair.key, path, "keys must be strings, got \(pair.key.stackKindName)")
                    continue
                }
                if pair.value.stackIsNull {
                    result.append((key, nil))
                } else if let text = pair.value.stackScalarText {
                    result.append((key, text))
                } else {
                    typeMismatch(pair.value, joinPath(path, key), expected: "a string, a number or null")
                }
            }
            return result
        case .scalar:
            typeMismatch(node, path, expected: "a list or a mapping")
            return nil
        }
    }

    /// A `K=V` list or a mapping as a dictionary; bare keys map to "".
    func stringMap(_ node: Node, _ path: String) -> [String: String]? {
        guard let pairs = keyValues(node, path) else { return nil }
        var result: [String: String] = [:]
        for pair in pairs { result[pair.key] = pair.value ?? "" }
        return result
    }

    /// A list of strings from a string (split like a shell) or a list.
    func command(_ node: Node, _ path: String) -> [String]? {
        if let text = node.stackScalarText, !node.stackIsNull {
            guard let words = ShellWords.split(text) else {
                report(node, path, "unbalanced quotes in \"\(text)\"")
                return nil
            }
            return words
        }
        return stringList(node, path, allowString: true)
    }

    /// A host path resolved against the stack's directory, with `~` expanded.
    func resolvePath(_ path: String) -> String {
        if path.contains("://") || path.hasPrefix("git@") { return path }
        var path = path
        if path == "~" || path.hasPrefix("~/") {
            path = (variables["HOME"] ?? "/root") + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = directory + "/" + path }
        return normalizePath(path)
    }

    func describe(_ node: Node) -> String {
        if let text = node.stackScalarText, !node.stackIsNull { return "\"\(text)\"" }
        return node.stackKindName
    }
}

/// `/a/./b/../c/` as `/c`-style absolute path without `.` and `..` components or a trailing slash.
func normalizePath(_ path: String) -> String {
    var components: [Substring] = []
    for part in path.split(separator: "/") {
        switch part {
        case ".": continue
        case "..": if !components.isEmpty { components.removeLast() }
        default: components.append(part)
        }
    }
    return "/" + components.joined(separator: "/")
}
