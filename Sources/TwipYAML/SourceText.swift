/// Checks on the raw bytes of a file before libyaml sees them, and byte offsets turned into marks.
enum SourceText {
    /// Throws unless `bytes` is UTF-8 (a UTF-8 byte order mark is allowed; UTF-16 and UTF-32 are not).
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(YAMLError) {
        if let encoding = wideEncoding(bytes) {
            throw YAMLError(
                file: file, mark: Mark(line: 1, column: 1),
                message: "the file is \(encoding) (it starts with a byte order mark); save it as UTF-8")
        }
        if let offset = firstInvalidUTF8Byte(bytes) {
            let byte = String(bytes[offset], radix: 16, uppercase: true)
            throw YAMLError(
                file: file, mark: mark(ofByte: offset, in: bytes),
                message: "invalid UTF-8 (byte 0x\(byte.count == 1 ? "0" + byte : byte)); save the file as UTF-8")
        }
    }

    /// The UTF-16 or UTF-32 encoding announced by a byte order mark, if any.
    static func wideEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = Array(bytes.prefix(4))
        if head == [0x00, 0x00, 0xFE, 0xFF] { return "UTF-32BE" }
        if head == [0xFF, 0xFE, 0x00, 0x00] { return "UTF-32LE" }
        if head.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        if head.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        return nil
    }

    /// The offset where the first ill-formed UTF-8 sequence starts.
    ///
    /// Rejects overlong forms, surrogates and code points above U+10FFFF (Unicode Table 3-7).
    static func firstInvalidUTF8Byte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return index
            }
            for position in 1..<length {
                guard index + position < count else { return index }
                let byte = bytes[index + position]
                let (min, max) = position == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= min && byte <= max else { return index }
            }
            index += length
        }
        return nil
    }

    /// The 1-based line and column (in characters, as libyaml counts them) of the byte at `offset`.
    static func mark(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        // libyaml skips a UTF-8 byte order mark without counting it as a column.
        if end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            index = 3
        }
        while index < end {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            let nextAfter: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
            if byte == 0x0A || (byte == 0x0D && next != 0x0A) {
                line += 1
                column = 1
            } else if byte == 0xC2 && next == 0x85 {
                // NEL, a line break for YAML 1.1 and libyaml.
                line += 1
                column = 1
            } else if byte == 0xE2 && next == 0x80 && (nextAfter == 0xA8 || nextAfter == 0xA9) {
                // LINE SEPARATOR and PARAGRAPH SEPARATOR; their two continuation bytes are skipped below.
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != 0x0D {
                column += 1
            }
            index += 1
        }
        return Mark(line: line, column: column)
    }
}
