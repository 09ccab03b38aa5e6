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

/// The edit distance between two strings when it is at most `limit`, nil when it is larger.
///
/// Only a band of `2 * limit + 1` cells per row is computed, and the search stops as soon as a row exceeds the
/// limit, so a long misspelled key costs time linear in its length.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int? {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    guard abs(a.count - b.count) <= limit else { return nil }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    let outside = limit + 1
    var previous = (0...b.count).map { $0 <= limit ? $0 : outside }
    var current = [Int](repeating: outside, count: b.count + 1)
    for i in 1...a.count {
        let low = max(1, i - limit)
        let high = min(b.count, i + limit)
        current[0] = i <= limit ? i : outside
        if low > 1 { current[low - 1] = outside }
        var best = current[0]
        if low <= high {
            for j in low...high {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost, outside)
                best = min(best, current[j])
            }
        }
        if high < b.count { current[high + 1] = outside }
        guard best <= limit else { return nil }
        swap(&previous, &current)
    }
    return previous[b.count] <= limit ? previous[b.count] : nil
}

/// "Did you mean" answers for misspelled names: each unknown name is looked up once, only among candidates of a
/// similar length, with a bounded edit distance and a budget of comparisons over the whole stack.
struct Suggestions {
    /// The furthest a suggestion may be from what was written.
    static let maxDistance = 2
    /// How many name comparisons one stack may cost; past it, no more suggestions are made.
    static let budget = 200_000

    private var byLength: [Int: [String]] = [:]
    private var cache: [String: String?] = [:]
    private var spent = 0

    init(candidates: [String]) {
        for name in candidates { byLength[name.unicodeScalars.count, default: []].append(name) }
    }

    /// The candidate closest to `name` (other than `excluding`), when one is close enough.
    mutating func closest(to name: String, excluding: String? = nil) -> String? {
        if let known = cache[name] { return known == excluding ? nil : known }
        let length = name.unicodeScalars.count
        var best: (name: String, distance: Int)?
        search: for delta in 0...Self.maxDistance {
            for candidateLength in Set([length - delta, length + delta]) {
                for candidate in byLength[candidateLength] ?? [] where candidate != excluding {
                    guard spent < Self.budget else { break search }
                    spent += 1
                    guard
                        let distance = editDistance(
                            name, candidate, limit: best.map { $0.distance - 1 } ?? Self.maxDistance)
                    else { continue }
                    best = (candidate, distance)
                    if distance == 0 { break search }
                }
            }
        }
        if excluding == nil || best != nil { cache[name] = .some(best?.name) }
        return best?.name
    }
}

/// Joins a key onto a key path: `services` + `web` is `services.web`.
func joinPath(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}
