#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Host addresses and names, checked the way the engine and the kernel will check them later.
enum HostAddress {
    /// True for an IPv4 dotted quad or an IPv6 address (no zone, no brackets).
    static func isIP(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return false
        }
        var buffer = [UInt8](repeating: 0, count: 16)
        return text.withCString { inet_pton(AF_INET, $0, &buffer) == 1 || inet_pton(AF_INET6, $0, &buffer) == 1 }
    }

    /// Why `name` is not an RFC 1123 host name the kernel accepts (at most 64 characters), or nil when it is.
    static func hostnameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "it is empty" }
        guard bytes.count <= 64 else { return "it is longer than 64 characters" }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return "it has an empty label (two dots, or a dot at either end)" }
            guard label.count <= 63 else { return "a label is longer than 63 characters" }
            guard label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
                return "use letters, digits, '-' and '.'"
            }
            guard label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                return "a label cannot start or end with '-'"
            }
        }
        return nil
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Docker's image reference grammar (distribution/reference): `[DOMAIN[:PORT]/]PATH[:TAG][@DIGEST]`.
enum ImageReference {
    /// Why `text` is not a reference the engine accepts, or nil when it is.
    static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return "it is empty" }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "it contains a space, a control character or a non-ASCII character"
        }
        var rest = bytes[...]
        if let at = rest.firstIndex(of: UInt8(ascii: "@")) {
            guard isDigest(rest[(at + 1)...]) else { return "the digest after @ is not ALGORITHM:HEX" }
            rest = rest[..<at]
        }
        // A tag follows the last colon when no slash comes after it (a colon before a slash is a registry port).
        if let colon = rest.lastIndex(of: UInt8(ascii: ":")), !rest[colon...].contains(UInt8(ascii: "/")) {
            guard isTag(rest[(colon + 1)...]) else {
                return "the tag must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
            }
            rest = rest[..<colon]
        }
        guard rest.count <= 255 else { return "the name is longer than 255 characters" }
        var components = rest.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if components.count > 1, let first = components.first, isDomain(first) {
            components.removeFirst()
        }
        for component in components where !isPathComponent(component) {
            return "each part of the name must be lowercase letters and digits, separated by '.', '_', '__' or '-'"
        }
        return nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
    private static func isPathComponent(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, let last = part.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
        else { return false }
        var separator: [UInt8] = []
        for byte in part {
            if isLowerAlphanumeric(byte) {
                if !separator.isEmpty {
                    let ok =
                        separator == [UInt8(ascii: ".")] || separator == [UInt8(ascii: "_")]
                        || separator == [UInt8(ascii: "_"), UInt8(ascii: "_")]
                        || separator.allSatisfy { $0 == UInt8(ascii: "-") }
                    guard ok else { return false }
                    separator = []
                }
            } else if [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")].contains(byte) {
                separator.append(byte)
            } else {
                return false
            }
        }
        return true
    }

    /// A registry host: `localhost`, a name with a dot, an `[IPv6]` address, or any of those with `:PORT`.
    private static func isDomain(_ part: ArraySlice<UInt8>) -> Bool {
        var host = part
        if host.first == UInt8(ascii: "[") {
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let address = String(decoding: host[(host.startIndex + 1)..<close], as: UTF8.self)
            guard HostAddress.isIP(address), address.contains(":") else { return false }
            host = host[(close + 1)...]
            guard !host.isEmpty else { return true }
            guard host.first == UInt8(ascii: ":") else { return false }
            return isPort(host.dropFirst())
        }
        var hasPort = false
        if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
            guard isPort(host[(colon + 1)...]) else { return false }
            host = host[..<colon]
            hasPort = true
        }
        let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard let first = label.first, let last = label.last, HostAddress.isAlphanumeric(first),
                HostAddress.isAlphanumeric(last),
                label.allSatisfy({ HostAddress.isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        // Docker's rule: the first part is a registry only when it looks like one.
        return hasPort || labels.count > 1 || host.elementsEqual("localhost".utf8)
            || host.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }

    private static func isPort(_ digits: ArraySlice<UInt8>) -> Bool {
        !digits.isEmpty && digits.count <= 5
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `[\w][\w.-]{0,127}`
    private static func isTag(_ tag: ArraySlice<UInt8>) -> Bool {
        guard let first = tag.first, tag.count <= 128, isWord(first) else { return false }
        return tag.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        HostAddress.isAlphanumeric(byte) || byte == UInt8(ascii: "_")
    }

    /// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
    private static func isDigest(_ digest: ArraySlice<UInt8>) -> Bool {
        guard let colon = digest.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let algorithm = digest[..<colon]
        let hex = digest[(colon + 1)...]
        guard hex.count >= 32,
            hex.allSatisfy({
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
            })
        else { return false }
        let parts = algorithm.split(
            omittingEmptySubsequences: false,
            whereSeparator: {
                [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: ".")].contains($0)
            })
        return parts.allSatisfy { part in
            guard let first = part.first else { return false }
            return
                ((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first))
                && part.allSatisfy(HostAddress.isAlphanumeric)
        }
    }
}

/// Signal names and numbers the engine accepts for `stop_signal` (Linux).
enum SignalName {
    static let names: Set<String> = [
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
        "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
        "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX", "UNUSED",
    ]

    /// True for `SIGTERM`, `TERM`, `sigterm`, `RTMIN+3`, `RTMAX-2` or a number from 1 to 64.
    static func isValid(_ text: String) -> Bool {
        if let number = Int(text) { return (1...64).contains(number) }
        var name = Substring(text.uppercased())
        if name.hasPrefix("SIG") { name = name.dropFirst(3) }
        if names.contains(String(name)) { return true }
        for (prefix, range) in [("RTMIN+", 1...15), ("RTMAX-", 1...14)] where name.hasPrefix(prefix) {
            if let offset = Int(name.dropFirst(prefix.count)), range.contains(offset) { return true }
        }
        return false
    }
}

extension String {
    /// True when the text holds a control character (a newline, a tab, NUL, DEL ...).
    var containsControlCharacter: Bool {
        unicodeScalars.contains {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
    }
}
