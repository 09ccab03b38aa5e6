/// A named moment of a run ("release started", "node killed"), drawn as a labelled vertical line.
public struct BenchMark: Sendable, Equatable {
    /// When it happened, in seconds since 1970 (UNIX time, fractions allowed).
    public var time: Double
    /// What happened.
    public var label: String

    /// A mark named `label` at `time` (UNIX seconds).
    public init(time: Double, label: String) {
        self.time = time
        self.label = label
    }

    /// Seconds from the start of the run (`startedAt`, UNIX seconds) to this mark.
    public func offset(from startedAt: Double) -> Double { time - startedAt }
}

/// Turns the bytes of a mark file into marks, one per line, as they arrive.
///
/// The format, one mark per line:
///
///     [UNIX_TIME] LABEL
///
/// `UNIX_TIME` is seconds since 1970 with an optional fraction (`date +%s.%N`), at least 10 digits
/// before the point so that a label starting with a number ("3 replicas") is not taken for a time.
/// A line without it is stamped when its first byte is read. Blank lines and lines starting with `#`
/// are skipped; a trailing `\r` is dropped. A line is taken once its newline arrives, or when the run
/// ends.
public struct BenchMarkParser: Sendable {
    private var pending: [UInt8] = []
    /// When the first byte of the pending line was read.
    private var pendingSince: Double?

    /// A parser with nothing pending.
    public init() {}

    /// Feeds bytes read at `now` (UNIX seconds); returns the marks of the lines they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>, now: Double) -> [BenchMark] {
        var marks: [BenchMark] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let mark = Self.mark(fromLine: pending, stampedAt: pendingSince ?? now) { marks.append(mark) }
                pending.removeAll(keepingCapacity: true)
                pendingSince = nil
            } else {
                if pendingSince == nil { pendingSince = now }
                // A runaway line without newline cannot grow without bound.
                if pending.count < Self.longestLine { pending.append(byte) }
            }
        }
        return marks
    }

    /// Takes the last line even without its newline (the run is over); returns its mark, if any.
    public mutating func finish(now: Double) -> [BenchMark] {
        defer {
            pending.removeAll()
            pendingSince = nil
        }
        return Self.mark(fromLine: pending, stampedAt: pendingSince ?? now).map { [$0] } ?? []
    }

    private static let longestLine = 4096

    /// The mark one line stands for, or nil for a blank line or a comment.
    public static func mark(fromLine bytes: [UInt8], stampedAt now: Double) -> BenchMark? {
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        if text.last == "\r" { text = text.dropLast() }
        text = text.trimmingBlanks
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        let word = text.prefix { $0 != " " && $0 != "\t" }
        if let time = unixTime(word) {
            let label = text.dropFirst(word.count).trimmingBlanks
            return BenchMark(time: time, label: label.isEmpty ? "mark" : String(label))
        }
        return BenchMark(time: now, label: String(text))
    }

    /// `word` as a UNIX time: 10 or more digits, then optionally a point and digits.
    private static func unixTime(_ word: Substring) -> Double? {
        let parts = word.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole.count >= 10, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return nil }
        }
        return Double(word)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension Substring {
    fileprivate var trimmingBlanks: Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
