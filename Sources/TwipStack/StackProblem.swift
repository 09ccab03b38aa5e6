/// One problem found in a stack file, with the place it was written and the key path leading to it.
public struct StackProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The key path, e.g. `services.web.ports[0]`; empty for the whole file.
    public var path: String
    public var message: String

    /// Creates a problem.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `FILE:LINE:COL: path: message`, leaving out the parts that are not known.
    ///
    /// Always one line: control characters from the file (a newline in a quoted value) are shown escaped.
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line):\(column)" }
        if !path.isEmpty { text += ": \(path)" }
        return Self.oneLine(text + ": " + message)
    }

    /// `text` with line breaks and other control characters written as `\n`, `\t` or `\u{7F}`.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

/// Every problem that made a stack file unusable, in file order.
public struct StackErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [StackProblem]

    /// Wraps a list of problems.
    public init(problems: [StackProblem]) {
        self.problems = problems
    }

    /// One line per problem.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// A stack that loaded, together with the warnings found on the way.
public struct LoadedStack: Sendable, Equatable {
    public var stack: Stack
    public var warnings: [StackProblem]

    /// Pairs a stack with its warnings.
    public init(stack: Stack, warnings: [StackProblem]) {
        self.stack = stack
        self.warnings = warnings
    }
}
