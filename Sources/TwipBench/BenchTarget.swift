import Foundation

/// Where a benchmark sends its requests: an `http://` URL split into what a request needs.
public struct BenchTarget: Equatable, Sendable {
    /// The host as written in the URL (brackets removed from IPv6 literals).
    public var host: String
    /// The TCP port (80 when the URL names none).
    public var port: Int
    /// The request target: path and query, at least "/".
    public var path: String

    /// A target from its parts; `path` is normalised to start with "/".
    public init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path.hasPrefix("/") ? path : "/" + path
    }

    /// The target as a URL, for reports.
    public var url: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)\(path)"
    }

    /// The `Host` header value.
    public var hostHeader: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? shownHost : "\(shownHost):\(port)"
    }

    /// Whether the host is a loopback address (127.0.0.0/8, localhost, ::1).
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "::1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            guard let value = Int(octet), (0...255).contains(value) else { return false }
            return true
        }
    }

    /// Parses an `http://host[:port][/path]` URL; other schemes and malformed URLs are usage errors.
    public static func parse(_ url: String) throws(BenchUsageError) -> BenchTarget {
        guard let schemeEnd = url.range(of: "://") else {
            throw BenchUsageError("\"\(url)\" is not a URL; use http://HOST[:PORT][/PATH]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else {
            throw BenchUsageError("\"\(url)\": only http is supported (got \(scheme)://)")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !authority.contains("@") else {
            throw BenchUsageError("\"\(url)\": credentials in the URL are not supported")
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw BenchUsageError("\"\(url)\": unterminated IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw BenchUsageError("\"\(url)\": invalid host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw BenchUsageError("\"\(url)\": missing host") }
        var port = 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw BenchUsageError("\"\(url)\": invalid port \"\(portText)\"")
            }
            port = value
        }
        return BenchTarget(host: String(host), port: port, path: path)
    }
}

/// A benchmark asked for something that cannot run (the CLI turns it into exit code 2).
public struct BenchUsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// An error with its operator-facing message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
