import TwipYAML

/// Interpolates every scalar value (never a key) of a node tree, keeping each scalar's mark.
struct TreeInterpolator {
    let interpolator: Interpolator
    let file: String
    private(set) var problems: [StackProblem] = []
    private(set) var warnings: [StackProblem] = []
    private var warned: Set<String> = []
    /// Where interpolation failed: those values are already reported and are not checked any further.
    private(set) var failedMarks: Set<Mark> = []
    /// Characters the substitutions added over the whole document; bounded because aliases and `$VAR` can
    /// multiply a small file into far more text than it holds.
    private var added = 0
    private var exhausted = false
    static let maxAdded = 64 << 20

    init(interpolator: Interpolator, file: String) {
        self.interpolator = interpolator
        self.file = file
    }

    mutating func interpolate(_ node: Node, path: String = "") -> Node {
        var node = node
        switch node.content {
        case .scalar(let text, let style):
            guard !exhausted, text.utf8.contains(UInt8(ascii: "$")) else { return node }
            do {
                let outcome = try interpolator.interpolate(text)
                added += max(0, outcome.value.utf8.count - text.utf8.count)
                if added > Self.maxAdded {
                    exhausted = true
                    failedMarks.insert(node.mark)
                    problems.append(
                        problem(
                            node, path,
                            "interpolation adds more than \(Self.maxAdded >> 20) MiB of text to the stack; stopped here"
                        ))
                    return node
                }
                for name in outcome.unsetVariables where !warned.contains(name) {
                    warned.insert(name)
                    warnings.append(
                        problem(node, path, "variable \"\(name)\" is not set; substituting an empty string"))
                }
                node.content = .scalar(outcome.value, style)
            } catch {
                problems.append(problem(node, path, error.description))
                failedMarks.insert(node.mark)
            }
        case .sequence(let items):
            node.content = .sequence(
                items.enumerated().map { interpolate($0.element, path: "\(path)[\($0.offset)]") })
        case .mapping(let pairs):
            node.content = .mapping(
                pairs.map { pair in
                    let key = pair.key.stackScalarText ?? "?"
                    return Node.Pair(key: pair.key, value: interpolate(pair.value, path: joinPath(path, key)))
                })
        }
        return node
    }

    private func problem(_ node: Node, _ path: String, _ message: String) -> StackProblem {
        StackProblem(file: file, line: node.mark.line, column: node.mark.column, path: path, message: message)
    }
}
