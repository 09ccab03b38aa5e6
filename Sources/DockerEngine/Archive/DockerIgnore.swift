/// `.dockerignore` rules with Docker's semantics: the last matching pattern wins, `!` re-includes,
/// `**` spans directories, and a pattern matching a directory excludes everything under it.
public struct DockerIgnore: Sendable, Equatable {
    /// One cleaned pattern.
    public struct Pattern: Sendable, Equatable {
        /// The pattern after cleaning (no leading `/` or `./`, no `!`).
        public var text: String
        /// True for `!pattern` lines, which re-include.
        public var isException: Bool
        let tokens: [Token]
        let depth: Int
    }

    enum Token: Sendable, Equatable {
        case literal(UInt8)
        case anyInSegment
        case oneInSegment
        case anyPath
        case optionalDirectories
        case characterClass(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    /// The patterns, in file order.
    public private(set) var patterns: [Pattern]

    /// Parses the contents of a `.dockerignore` file.
    public init(contents: String) {
        var patterns: [Pattern] = []
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            var isException = false
            if line.hasPrefix("!") {
                isException = true
                line = String(line.dropFirst()).trimmingWhitespace()
            }
            let cleaned = Self.clean(line)
            if cleaned.isEmpty || cleaned == "." { continue }
            patterns.append(Self.compile(cleaned, isException: isException))
        }
        self.patterns = patterns
    }

    /// Adds patterns that keep the Dockerfile and `.dockerignore` in the context whatever the file says.
    public mutating func alwaysInclude(_ paths: [String]) {
        for path in paths { patterns.append(Self.compile(Self.clean(path), isException: true)) }
    }

    /// True when `path` (relative, `/`-separated) is left out of the context.
    public func excludes(_ path: String) -> Bool {
        let bytes = Array(Self.clean(path).utf8)
        let segments = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var excluded = false
        for pattern in patterns {
            if pattern.isException != excluded { continue }
            var matched = Self.match(pattern.tokens, bytes[...])
            if !matched, segments.count > 1, pattern.depth < segments.count {
                // A pattern also matches when it matches a parent directory with as many segments as it has.
                let parent = Array(segments.prefix(pattern.depth).joined(separator: [UInt8(ascii: "/")]))
                matched = Self.match(pattern.tokens, parent[...])
            }
            if matched { excluded = !pattern.isException }
        }
        return excluded
    }

    /// True when some exception pattern could re-include a path below the excluded directory `path`.
    public func mayReinclude(under path: String) -> Bool {
        let prefix = Self.clean(path) + "/"
        return patterns.contains { pattern in
            pattern.isException
                && (pattern.text.hasPrefix(prefix) || pattern.text.contains("*") || pattern.text.contains("?")
                    || pattern.text.contains("["))
        }
    }

    /// Cleans like Go's filepath.Clean and drops a leading `/`.
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", parts.isEmpty, path.hasPrefix("/") { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    static func compile(_ text: String, isException: Bool) -> Pattern {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "*"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    index += 2
                    if index < bytes.count, bytes[index] == UInt8(ascii: "/") { index += 1 }
                    tokens.append(index >= bytes.count ? .anyPath : .optionalDirectories)
                    continue
                }
                tokens.append(.anyInSegment)
            case UInt8(ascii: "?"):
                tokens.append(.oneInSegment)
            case UInt8(ascii: "\\") where index + 1 < bytes.count:
                index += 1
                tokens.append(.literal(bytes[index]))
            case UInt8(ascii: "["):
                var cursor = index + 1
                var negated = false
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "^") || bytes[cursor] == UInt8(ascii: "!") {
                    negated = true
                    cursor += 1
                }
                var ranges: [ClosedRange<UInt8>] = []
                var closed = false
                while cursor < bytes.count {
                    var low = bytes[cursor]
                    if low == UInt8(ascii: "]"), !ranges.isEmpty || cursor > index + 1 + (negated ? 1 : 0) {
                        closed = true
                        break
                    }
                    if low == UInt8(ascii: "\\"), cursor + 1 < bytes.count {
                        cursor += 1
                        low = bytes[cursor]
                    }
                    if cursor + 2 < bytes.count, bytes[cursor + 1] == UInt8(ascii: "-"),
                        bytes[cursor + 2] != UInt8(ascii: "]")
                    {
                        let high = bytes[cursor + 2]
                        ranges.append(min(low, high)...max(low, high))
                        cursor += 3
                    } else {
                        ranges.append(low...low)
                        cursor += 1
                    }
                }
                if closed {
                    tokens.append(.characterClass(negated: negated, ranges: ranges))
                    index = cursor
                } else {
                    tokens.append(.literal(byte))
                }
            default:
                tokens.append(.literal(byte))
            }
            index += 1
        }
        let depth = text.split(separator: "/", omittingEmptySubsequences: true).count
        return Pattern(text: text, isException: isException, tokens: tokens, depth: depth)
    }

    /// Anchored match of `tokens` against the whole of `path` (the regex Docker builds, run by backtracking).
    static func match(_ tokens: [Token], _ path: ArraySlice<UInt8>) -> Bool {
        guard let token = tokens.first else { return path.isEmpty }
        let rest = Array(tokens.dropFirst())
        let slash = UInt8(ascii: "/")
        switch token {
        case .literal(let byte):
            guard path.first == byte else { return false }
            return match(rest, path.dropFirst())
        case .oneInSegment:
            guard let first = path.first, first != slash else { return false }
            return match(rest, path.dropFirst())
        case .characterClass(let negated, let ranges):
            guard let first = path.first, first != slash else { return false }
            guard ranges.contains(where: { $0.contains(first) }) != negated else { return false }
            return match(rest, path.dropFirst())
        case .anyInSegment:
            var candidate = path
            while true {
                if match(rest, candidate) { return true }
                guard let first = candidate.first, first != slash else { return false }
                candidate = candidate.dropFirst()
            }
        case .anyPath:
            return true
        case .optionalDirectories:
            // (.*/)? : nothing, or any text ending in a slash.
            if match(rest, path) { return true }
            var index = path.startIndex
            while index < path.endIndex {
                if path[index] == slash, match(rest, path[(index + 1)...]) { return true }
                index += 1
            }
            return false
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
