/// Parsers for the scalar mini-languages of a stack file: durations, sizes, cpus, restart policies.
enum ValueParsers {
    /// Parses `1m30s`, `10s`, `500ms`, `1.5h`, `2us`, `3ns`, or a bare number of seconds.
    static func duration(_ text: String) -> Duration? {
        let s = text.trimmingSpaces
        guard !s.isEmpty else { return nil }
        if let seconds = Double(s), seconds >= 0, seconds.isFinite, s.allSatisfy({ $0.isNumber || $0 == "." }) {
            return nanoseconds(seconds * 1e9)
        }
        var total = 0.0
        var rest = Substring(s)
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.0 == String(unitText) }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        return nanoseconds(total)
    }

    private static func nanoseconds(_ value: Double) -> Duration? {
        guard value.isFinite, value >= 0, value < 9.2e18 else { return nil }
        return .nanoseconds(Int64(value.rounded()))
    }

    /// Formats a duration the way compose writes one: `1h`, `1m30s`, `1.5s`, `500ms`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanos == 0 { return "0s" }
        if nanos < 1_000_000_000 {
            if nanos % 1_000_000 == 0 { return "\(nanos / 1_000_000)ms" }
            if nanos % 1_000 == 0 { return "\(nanos / 1_000)us" }
            return "\(nanos)ns"
        }
        var text = ""
        let hours = nanos / 3_600_000_000_000
        let minutes = (nanos / 60_000_000_000) % 60
        let rest = nanos % 60_000_000_000
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 {
            let whole = rest / 1_000_000_000
            var fraction = String(rest % 1_000_000_000)
            if fraction != "0" {
                fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
                while fraction.hasSuffix("0") { fraction.removeLast() }
                text += "\(whole).\(fraction)s"
            } else {
                text += "\(whole)s"
            }
        }
        return text
    }

    /// Parses a byte size: `512m`, `1g`, `1024k`, `2gb`, `100b` or a bare number of bytes.
    static func size(_ text: String) -> Int64? {
        let s = text.trimmingSpaces.lowercased()
        let digits = s.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1_048_576, "mb": 1_048_576, "g": 1_073_741_824,
            "gb": 1_073_741_824, "t": 1_099_511_627_776, "tb": 1_099_511_627_776,
        ]
        guard let multiplier = multipliers[String(s.dropFirst(digits.count))] else { return nil }
        let bytes = (value * multiplier).rounded()
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }

    /// Parses a positive decimal number of CPUs such as `0.5` or `2`.
    static func cpus(_ text: String) -> Double? {
        let s = text.trimmingSpaces
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(s), value > 0,
            value.isFinite
        else { return nil }
        return value
    }

    /// Parses `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`.
    static func restart(_ text: String) -> RestartPolicy? {
        switch text {
        case "no": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            guard text.hasPrefix("on-failure:"), let n = Int(text.dropFirst("on-failure:".count)), n >= 0 else {
                return nil
            }
            return .onFailure(maxRetries: n)
        }
    }

    /// Parses a decimal integer.
    static func int(_ text: String) -> Int? {
        Int(text.trimmingSpaces)
    }

    /// Parses a YAML boolean (`true`/`false` and the YAML 1.1 spellings compose files still use).
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": false
        default: nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
