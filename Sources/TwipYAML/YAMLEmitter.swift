/// Writes a node tree as block-style YAML, the normalized form `twip config` prints.
///
/// Two-space indentation, `- key: value` for lists of mappings, `{}` and `[]` for empty collections.
/// Styles are not preserved: a scalar is written plain when re-reading it gives the same value (also for
/// YAML 1.1 readers), and double-quoted otherwise. Anchors are not written (aliases are already expanded);
/// tags are.
public enum YAMLEmitter {
    /// The YAML text of `node`, ending with a newline.
    public static func emit(_ node: Node) -> String {
        var writer = Writer()
        writer.document(node)
        return writer.output
    }

    /// Builds the text line by line; every method starts and ends at the start of a line.
    private struct Writer {
        var output = ""

        mutating func document(_ node: Node) {
            if let inline = Self.inline(node) {
                output += (inline.isEmpty ? "null" : inline) + "\n"
                return
            }
            if let tag = node.tag {
                output += "--- " + Self.tag(tag) + "\n"
            }
            block(node, indent: 0, continuing: false)
        }

        /// A non-empty collection, one entry per line at `indent`; when `continuing`, the first entry goes
        /// on the line already started (after `- `, `? ` or `: `).
        private mutating func block(_ node: Node, indent: Int, continuing: Bool) {
            let margin = String(repeating: " ", count: indent)
            switch node.content {
            case .scalar:
                break
            case .sequence(let items):
                for (index, item) in items.enumerated() {
                    output += (index == 0 && continuing ? "" : margin) + "-"
                    compact(item, indent: indent)
                }
            case .mapping(let pairs):
                for (index, pair) in pairs.enumerated() {
                    output += index == 0 && continuing ? "" : margin
                    if let key = Self.simpleKey(pair.key) {
                        output += key + ":"
                        value(pair.value, indent: indent)
                    } else {
                        output += "?"
                        compact(pair.key, indent: indent)
                        output += margin + ":"
                        compact(pair.value, indent: indent)
                    }
                }
            }
        }

        /// A node after `- `, `? ` or `: `: a non-empty collection starts on the same line.
        private mutating func compact(_ node: Node, indent: Int) {
            if let inline = Self.inline(node) {
                output += (inline.isEmpty ? "" : " " + inline) + "\n"
            } else if let tag = node.tag {
                output += " " + Self.tag(tag) + "\n"
                block(node, indent: indent + 2, continuing: false)
            } else {
                output += " "
                block(node, indent: indent + 2, continuing: true)
            }
        }

        /// A node after `key:`: a non-empty collection starts on the next line, indented.
        private mutating func value(_ node: Node, indent: Int) {
            if let inline = Self.inline(node) {
                output += (inline.isEmpty ? "" : " " + inline) + "\n"
            } else {
                output += (node.tag.map { " " + Self.tag($0) } ?? "") + "\n"
                block(node, indent: indent + 2, continuing: false)
            }
        }

        /// The one-line form of a scalar or empty collection, with its tag; nil for other collections.
        private static func inline(_ node: Node) -> String? {
            let body: String
            switch node.content {
            case .scalar(let text, let style):
                body = YAMLEmitter.scalar(text, style: style, tag: node.tag)
            case .sequence(let items):
                guard items.isEmpty else { return nil }
                body = "[]"
            case .mapping(let pairs):
                guard pairs.isEmpty else { return nil }
                body = "{}"
            }
            guard let tag = node.tag else { return body }
            return body.isEmpty ? self.tag(tag) : self.tag(tag) + " " + body
        }

        /// A scalar key as written before `:`; nil when the key needs the explicit `? ` form.
        private static func simpleKey(_ key: Node) -> String? {
            guard case .scalar(let text, _) = key.content, text.unicodeScalars.count <= 1000,
                let inline = inline(key)
            else { return nil }
            return inline.isEmpty ? "null" : inline
        }

        private static func tag(_ tag: String) -> String {
            let shorthand =
                tag.hasPrefix("!")
                && tag.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII
                        && (scalar.properties.isAlphabetic
                            || "0123456789!-_.~:/;?@&=+$#%".unicodeScalars.contains(scalar))
                }
            return shorthand ? tag : "!<\(tag)>"
        }
    }

    /// The text of a scalar: plain when that reads back the same, double-quoted otherwise; empty for a plain null.
    static func scalar(_ text: String, style: ScalarStyle, tag: String?) -> String {
        if style == .plain && tag == nil && Node.resolvePlain(text) != .string(text) {
            // Nulls, booleans and numbers of the core schema are always safe to write plain.
            return text
        }
        if isSafePlain(text) && !looksLikeNonString(text) {
            return text
        }
        return doubleQuoted(text)
    }

    /// True when `text` can be written as a plain scalar in block context without changing or breaking it.
    static func isSafePlain(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        if first == " " || last == " " || last == ":" { return false }
        if text.hasPrefix("---") || text.hasPrefix("...") { return false }
        var previous: Unicode.Scalar?
        for scalar in scalars {
            if let previous {
                if previous == ":" && scalar == " " { return false }
                if previous == " " && scalar == "#" { return false }
            }
            guard isPrintable(scalar) else { return false }
            previous = scalar
        }
        if "-?:".unicodeScalars.contains(first) {
            // `-x`, `?x` and `:x` are plain scalars; `- x` is a list item.
            let second = scalars.dropFirst().first
            return second != nil && second != " "
        }
        return !",[]{}#&*!|>'\"%@`".unicodeScalars.contains(first)
    }

    /// True for strings that some YAML reader would take for something else: core-schema and YAML 1.1
    /// nulls, booleans and numbers (`yes`, `on`, `0755`, `1_000`, `80:80`, dates), and the merge key.
    static func looksLikeNonString(_ text: String) -> Bool {
        if Node.resolvePlain(text) != .string(text) { return true }
        if yaml11Words.contains(text) { return true }
        var scalars = text.unicodeScalars[...]
        if let first = scalars.first, "+-.".unicodeScalars.contains(first) {
            scalars = scalars.dropFirst()
        }
        if let first = scalars.first, ("0"..."9").contains(first) { return true }
        if text.hasPrefix(".") && ["inf", "nan"].contains(text.dropFirst().lowercased()) { return true }
        return false
    }

    private static let yaml11Words: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
    ]

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF:
            return scalar.value != 0x2028 && scalar.value != 0x2029
        default:
            return false
        }
    }

    /// `text` in double quotes with YAML escapes for quotes, backslashes and non-printable characters.
    static func doubleQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0B}": result += "\\v"
            case "\u{0C}": result += "\\f"
            case "\u{1B}": result += "\\e"
            case "\u{85}": result += "\\N"
            case "\u{2028}": result += "\\L"
            case "\u{2029}": result += "\\P"
            default:
                if isPrintable(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    result += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    result += "\\u" + hex(scalar.value, width: 4)
                } else {
                    result += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return result + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
