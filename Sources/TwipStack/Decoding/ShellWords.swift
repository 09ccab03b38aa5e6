/// Splits a command string into arguments the way a POSIX shell would, without expanding anything.
enum ShellWords {
    /// The words of `text`, or nil when a quote is left open.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for c in text {
            if escaping {
                if quote == "\"" && !["\"", "\\", "$", "`"].contains(c) { current.append("\\") }
                current.append(c)
                escaping = false
                continue
            }
            switch (quote, c) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(c)
            case (_, "\\"):
                escaping = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = c
                inWord = true
            case (nil, " "), (nil, "\t"), (nil, "\n"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(c)
                inWord = true
            }
        }
        guard quote == nil, !escaping else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
