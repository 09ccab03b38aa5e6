import Foundation

/// Builds SVG markup element by element: attributes in the order given, text escaped, numbers to 0.1 px.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 1

    /// Opens a group with `attributes`; close it with ``close()``.
    mutating func open(_ name: String = "g", _ attributes: [(String, String)] = []) {
        append("<\(name)\(Self.render(attributes))>")
        depth += 1
    }

    /// Closes the innermost group.
    mutating func close(_ name: String = "g") {
        depth -= 1
        append("</\(name)>")
    }

    /// An element without content.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        append("<\(name)\(Self.render(attributes))/>")
    }

    /// An element holding `text` (escaped).
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String) {
        append("<\(name)\(Self.render(attributes))>\(Self.escape(text))</\(name)>")
    }

    /// A line from (x1, y1) to (x2, y2).
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: [(String, String)]) {
        element("line", [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2))] + attributes)
    }

    /// Text at (x, y), its baseline at y.
    mutating func text(_ x: Double, _ y: Double, _ text: String, _ attributes: [(String, String)] = []) {
        element("text", [("x", Self.n(x)), ("y", Self.n(y))] + attributes, text: text)
    }

    /// A rectangle.
    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ attributes: [(String, String)]) {
        element(
            "rect",
            [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, width))), ("height", Self.n(max(0, height)))]
                + attributes)
    }

    private mutating func append(_ line: String) {
        lines.append(String(repeating: "  ", count: max(0, depth)) + line)
    }

    /// A coordinate with one decimal at most.
    static func n(_ value: Double) -> String {
        PlotScale.trimmed(value.isFinite ? value : 0, places: 1)
    }

    /// `text` safe inside an element or a double-quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // Control characters are not allowed in XML 1.0 at all.
            case _ where character.value < 0x20 && character != "\t" && character != "\n": escaped += " "
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func render(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }
}
