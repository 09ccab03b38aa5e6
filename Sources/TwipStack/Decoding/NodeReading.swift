public import TwipYAML

extension Node {
    /// The text of a scalar node; nil for sequences and mappings.
    var stackScalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// True for an empty plain scalar, `~` or `null` (an explicit tag forces a string).
    var stackIsNull: Bool {
        guard tag == nil || tag == "tag:yaml.org,2002:null" || tag == "!!null",
            case .scalar(let text, .plain) = content
        else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// What kind of value the node holds, for "expected X, got Y" messages.
    var stackKindName: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let text, let style):
            if stackIsNull { return "null" }
            guard style == .plain, tag == nil else { return "a string" }
            if ValueParsers.bool(text) != nil && !["yes", "no", "on", "off"].contains(text.lowercased()) {
                return "a boolean"
            }
            if Double(text) != nil { return "a number" }
            return "a string"
        }
    }
}

/// Node-to-value conversion for `x-*` extension keys.
extension ExtensionValue {
    /// The node's value without positions.
    init(_ node: Node) {
        switch node.content {
        case .scalar(let text, let style):
            if node.stackIsNull {
                self = .null
            } else {
                self = style == .plain && node.tag == nil ? .plain(text) : .quoted(text)
            }
        case .sequence(let items):
            self = .sequence(items.map(ExtensionValue.init))
        case .mapping(let pairs):
            self = .mapping(pairs.map { Extension(key: $0.key.stackScalarText ?? "", value: ExtensionValue($0.value)) })
        }
    }
}

/// The edit distance between two strings, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        previous = current
    }
    return previous[b.count]
}

/// Joins a key onto a key path: `services` + `web` is `services.web`.
func joinPath(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}
