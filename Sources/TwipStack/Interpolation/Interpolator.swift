/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`,
/// `${VAR:+alternative}`, `${VAR+alternative}` and `$$` in one scalar, the way compose does.
public struct Interpolator: Sendable {
    /// The variables references are resolved against.
    public var variables: [String: String]

    /// The deepest nesting of `${...}` inside a default, alternative or message.
    public static let maxNesting = 32
    /// The longest value interpolation may produce from one scalar, in characters.
    public static let maxLength = 4 << 20

    /// Creates an interpolator over a set of variables.
    public init(variables: [String: String]) {
        self.variables = variables
    }

    /// What interpolating one string produced.
    public struct Outcome: Sendable, Equatable {
        /// The substituted text.
        public var value: String
        /// Names of referenced variables that were unset and became "".
        public var unsetVariables: [String]
    }

    /// Why a string could not be interpolated.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// `${VAR:?message}` or `${VAR?message}` with the variable missing.
        case required(variable: String, message: String)
        /// A reference that does not parse, such as `${`, `${VAR` or `${1X}`.
        case malformed(text: String, reason: String)

        /// The message shown to the user.
        public var description: String {
            switch self {
            case .required(let variable, let message):
                let detail = message.isEmpty ? "" : ": \(message)"
                return "required variable \"\(variable)\" is missing a value\(detail)"
            case .malformed(let text, let reason):
                return "invalid interpolation in \"\(text)\": \(reason) (write $$ for a literal $)"
            }
        }
    }

    /// Interpolates `text`, failing on a malformed reference or a missing required variable.
    public func interpolate(_ text: String) throws(Failure) -> Outcome {
        guard text.contains("$") else { return Outcome(value: text, unsetVariables: []) }
        var scanner = Scanner(chars: Array(text), source: text, variables: variables)
        let value = try scanner.text(depth: 0, evaluate: true)
        return Outcome(value: value, unsetVariables: scanner.unset)
    }

    private struct Scanner {
        let chars: [Character]
        let source: String
        let variables: [String: String]
        var i = 0
        var unset: [String] = []
        var unsetNames: Set<String> = []
        /// Characters produced so far, over every level, to stop `$A$A$A...` from growing without bound.
        var produced = 0

        func malformed(_ reason: String) -> Failure {
            .malformed(text: Self.excerpt(source), reason: reason)
        }

        /// The text as quoted in messages: long values are cut so one message stays one readable line.
        static func excerpt(_ text: String) -> String {
            text.count <= 200 ? text : String(text.prefix(200)) + "..."
        }

        mutating func grow(by count: Int) throws(Failure) {
            produced += count
            if produced > Interpolator.maxLength {
                throw malformed("the value would be longer than \(Interpolator.maxLength) characters")
            }
        }

        /// The text up to the end, or up to the closing brace of a reference when `depth` > 0.
        mutating func text(depth: Int, evaluate: Bool) throws(Failure) -> String {
            let nested = depth > 0
            // The nesting is bounded so that input cannot deepen this recursion without limit.
            guard depth <= Interpolator.maxNesting else {
                throw malformed("references are nested more than \(Interpolator.maxNesting) levels deep")
            }
            var out = ""
            while i < chars.count {
                let c = chars[i]
                if nested && c == "}" { return out }
                i += 1
                guard c == "$" else {
                    out.append(c)
                    try grow(by: 1)
                    continue
                }
                guard i < chars.count else { throw malformed("a $ at the end of the text") }
                let next = chars[i]
                if next == "$" {
                    out.append("$")
                    try grow(by: 1)
                    i += 1
                } else if next == "{" {
                    i += 1
                    let value = try braced(depth: depth, evaluate: evaluate)
                    try grow(by: value.count)
                    out += value
                } else if Self.isNameStart(next) {
                    let name = readName()
                    let value = lookup(name, evaluate: evaluate)
                    try grow(by: value.count)
                    out += value
                } else {
                    throw malformed("\"$\(next)\" is not a variable reference")
                }
            }
            if nested { throw malformed("missing closing brace") }
            return out
        }

        mutating func braced(depth: Int, evaluate: Bool) throws(Failure) -> String {
            guard i < chars.count else { throw malformed("missing variable name and closing brace") }
            guard Self.isNameStart(chars[i]) else {
                throw malformed(chars[i] == "}" ? "empty variable name" : "variable names start with a letter or _")
            }
            let name = readName()
            guard i < chars.count else { throw malformed("missing closing brace after \"${\(name)\"") }
            if chars[i] == "}" {
                i += 1
                return lookup(name, evaluate: evaluate)
            }
            var op = ""
            if chars[i] == ":" {
                op = ":"
                i += 1
            }
            guard i < chars.count, ["-", "?", "+"].contains(chars[i]) else {
                throw malformed("unexpected character after \"${\(name)\" (expected }, :-, -, :?, ?, :+ or +)")
            }
            op.append(chars[i])
            i += 1
            let value = variables[name]
            let present = op.hasPrefix(":") ? (value.map { !$0.isEmpty } ?? false) : value != nil
            let useNested: Bool
            switch op.last {
            case "-": useNested = !present
            case "+": useNested = present
            default: useNested = !present
            }
            let nestedText = try text(depth: depth + 1, evaluate: evaluate && useNested)
            i += 1  // the closing brace
            switch op.last {
            case "-": return present ? (value ?? "") : nestedText
            case "+": return present ? nestedText : ""
            default:
                if !present && evaluate { throw .required(variable: name, message: nestedText) }
                return value ?? ""
            }
        }

        mutating func lookup(_ name: String, evaluate: Bool) -> String {
            if let value = variables[name] { return value }
            if evaluate && unsetNames.insert(name).inserted { unset.append(name) }
            return ""
        }

        mutating func readName() -> String {
            var name = ""
            while i < chars.count, Self.isNameStart(chars[i]) || (chars[i].isASCII && chars[i].isNumber) {
                name.append(chars[i])
                i += 1
            }
            return name
        }

        static func isNameStart(_ c: Character) -> Bool {
            c == "_" || (c.isASCII && c.isLetter)
        }
    }
}
