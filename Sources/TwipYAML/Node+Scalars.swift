/// What a scalar means under the YAML 1.2 core schema (the schema compose files use).
enum ScalarValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

extension Node {
    /// True for a scalar node.
    public var isScalar: Bool {
        if case .scalar = content { return true }
        return false
    }

    /// True for a sequence (list) node.
    public var isSequence: Bool {
        if case .sequence = content { return true }
        return false
    }

    /// True for a mapping node.
    public var isMapping: Bool {
        if case .mapping = content { return true }
        return false
    }

    /// The items of a sequence; nil for other nodes.
    public var sequence: [Node]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries of a mapping in source order; nil for other nodes.
    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value stored under the scalar key `key` in a mapping; nil when absent or not a mapping.
    public subscript(key: String) -> Node? {
        pairs?.first { pair in
            if case .scalar(let text, _) = pair.key.content { return text == key }
            return false
        }?.value
    }

    /// The text of any scalar, whatever it resolves to; nil for collections.
    public var string: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// True for a scalar that resolves to a string (quoted, block, `!!str`-tagged, or plain non-special text).
    public var isString: Bool {
        if case .string = scalarValue { return true }
        return false
    }

    /// True for a plain `~`, `null`, `Null`, `NULL` or empty scalar (or one tagged `!!null`).
    public var isNull: Bool {
        scalarValue == .null
    }

    /// The value of a plain `true`/`false` scalar (any of the three capitalizations); nil otherwise.
    public var bool: Bool? {
        if case .bool(let value) = scalarValue { return value }
        return nil
    }

    /// The value of a plain integer scalar (decimal with optional sign, `0x` hex, `0o` octal); nil otherwise.
    public var int: Int? {
        if case .int(let value) = scalarValue { return value }
        return nil
    }

    /// The value of a plain number scalar, integer or floating point (`.inf`, `.nan` included); nil otherwise.
    public var double: Double? {
        switch scalarValue {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// What the node is, for error messages: "null", "a boolean", "a number", "a string", "a list", "a mapping".
    public var kindName: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            switch scalarValue {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .double: return "a number"
            case .string, nil: return "a string"
            }
        }
    }

    /// The scalar's meaning: its tag decides when it has one, a quoted or block style makes it a string,
    /// and a plain scalar resolves by the core schema; nil for collections.
    var scalarValue: ScalarValue? {
        guard case .scalar(let text, let style) = content else { return nil }
        switch tag {
        case nil:
            return style == .plain ? Self.resolvePlain(text) : .string(text)
        case "!!null":
            return .null
        case "!!bool":
            return Self.coreBool(text).map(ScalarValue.bool) ?? .string(text)
        case "!!int":
            return Self.coreInt(text).map(ScalarValue.int) ?? .string(text)
        case "!!float":
            if let value = Self.coreInt(text) { return .double(Double(value)) }
            return Self.coreFloat(text).map(ScalarValue.double) ?? .string(text)
        default:
            return .string(text)
        }
    }

    /// Resolves untagged plain text by the YAML 1.2 core schema.
    static func resolvePlain(_ text: String) -> ScalarValue {
        // Most text starts with a letter no null, boolean or number starts with: no need to try each form.
        if let first = text.utf8.first, isLetterStartingOnlyStrings(first) { return .string(text) }
        if coreNulls.contains(text) { return .null }
        if let value = coreBool(text) { return .bool(value) }
        if let value = coreInt(text) { return .int(value) }
        // An integer too large for Int is still a number.
        if isDecimalInteger(text.utf8), let value = Double(text) { return .double(value) }
        if let value = coreFloat(text) { return .double(value) }
        return .string(text)
    }

    static let coreNulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// An ASCII letter other than the first letters of `null`, `true` and `false` in any capitalization.
    private static func isLetterStartingOnlyStrings(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z") && lower != UInt8(ascii: "n")
            && lower != UInt8(ascii: "t") && lower != UInt8(ascii: "f")
    }

    static func coreBool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    static func coreInt(_ text: String) -> Int? {
        let utf8 = text.utf8
        if text.hasPrefix("0x") {
            let digits = utf8.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy(isHexDigit) else { return nil }
            return Int(text.dropFirst(2), radix: 16)
        }
        if text.hasPrefix("0o") {
            let digits = utf8.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) else {
                return nil
            }
            return Int(text.dropFirst(2), radix: 8)
        }
        guard isDecimalInteger(utf8) else { return nil }
        return Int(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf` and `.nan` in their three spellings.
    static func coreFloat(_ text: String) -> Double? {
        var unsigned = Substring(text)
        var sign = 1.0
        if let first = unsigned.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            unsigned = unsigned.dropFirst()
        }
        switch unsigned {
        case ".inf", ".Inf", ".INF": return sign * .infinity
        case ".nan", ".NaN", ".NAN": return unsigned.count == text.count ? .nan : nil
        default: break
        }
        var bytes = unsigned.utf8[...]
        let integerDigits = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(integerDigits)
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fractionDigits)
            if integerDigits == 0 && fractionDigits == 0 { return nil }
        } else if integerDigits == 0 {
            return nil
        }
        if let first = bytes.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                bytes = bytes.dropFirst()
            }
            let exponentDigits = bytes.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return nil }
            bytes = bytes.dropFirst(exponentDigits)
        }
        guard bytes.isEmpty else { return nil }
        return Double(text)
    }

    private static func isDecimalInteger(_ utf8: String.UTF8View) -> Bool {
        var digits = utf8[...]
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }
}
