/// The `KEY=VALUE` file format of `.env` and `env_file`: comments, blank lines, `export`, quotes.
enum DotEnv {
    /// The variables of a file in order, later duplicates replacing earlier ones.
    static func parse(_ text: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var positions: [String: Int] = [:]
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(rawLine).trimmingSpaces
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingSpaces }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).trimmingSpaces
            guard !key.isEmpty, parts.count == 2 else { continue }
            let value = unquote(String(parts[1]).trimmingSpaces)
            positions[key] = result.count
            result.append((key, value))
        }
        // A later duplicate replaces the earlier one and takes its place at the end, in linear time.
        return result.enumerated().filter { positions[$0.element.0] == $0.offset }.map(\.element)
    }

    private static func unquote(_ value: String) -> String {
        if let first = value.first, first == "'" || first == "\"", let close = value.dropFirst().firstIndex(of: first) {
            let inner = String(value[value.index(after: value.startIndex)..<close])
            guard first == "\"" else { return inner }
            return inner.replacingEscapes()
        }
        if let hash = value.range(of: " #") { return String(value[..<hash.lowerBound]).trimmingSpaces }
        return value
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var out = ""
        var escaping = false
        for c in self {
            if escaping {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    fileprivate func range(of needle: String) -> Range<String.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
