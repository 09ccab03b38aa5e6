/// Where the Docker engine listens: a unix socket or a plain TCP address, as named by `DOCKER_HOST`.
public enum DockerHost: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// The engine's default socket on Linux.
    public static let defaultSocketPath = "/var/run/docker.sock"

    /// The host used when `DOCKER_HOST` is unset or empty.
    public static let `default` = DockerHost.unix(path: defaultSocketPath)

    /// Reads `DOCKER_HOST` from an environment, falling back to the default socket.
    public init(environment: [String: String]) throws(DockerHostError) {
        guard let value = environment["DOCKER_HOST"], !value.isEmpty else {
            self = .default
            return
        }
        self = try DockerHost(parsing: value)
    }

    /// Parses `unix:///path/to/socket` or `tcp://host:port` (port 2375 when omitted).
    public init(parsing value: String) throws(DockerHostError) {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw DockerHostError(value: value, reason: "socket path must be absolute")
            }
            self = .unix(path: path)
            return
        }
        if value.hasPrefix("tcp://") {
            var rest = Substring(value.dropFirst("tcp://".count))
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            guard !rest.isEmpty, !rest.contains("/") else {
                throw DockerHostError(value: value, reason: "expected tcp://host:port")
            }
            let host: Substring
            var portText: Substring?
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else {
                    throw DockerHostError(value: value, reason: "unterminated IPv6 address")
                }
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") {
                    portText = after.dropFirst()
                } else if !after.isEmpty {
                    throw DockerHostError(value: value, reason: "expected tcp://host:port")
                }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            } else {
                host = rest
            }
            guard !host.isEmpty else { throw DockerHostError(value: value, reason: "missing host") }
            var port = 2375
            if let portText {
                guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                    throw DockerHostError(value: value, reason: "invalid port \"\(portText)\"")
                }
                port = parsed
            }
            self = .tcp(host: String(host), port: port)
            return
        }
        throw DockerHostError(value: value, reason: "only unix:// and tcp:// hosts are supported")
    }

    /// The socket path or `host:port`, as shown to operators.
    public var address: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// The `DOCKER_HOST` spelling of this host.
    public var description: String {
        switch self {
        case .unix(let path): "unix://\(path)"
        case .tcp: "tcp://\(address)"
        }
    }

    /// The `Host` header sent with every request.
    var hostHeader: String {
        switch self {
        case .unix: "localhost"
        case .tcp: address
        }
    }

    /// The URL prefix AsyncHTTPClient understands for this host.
    var baseURL: String {
        switch self {
        case .unix(let path):
            let encoded = path.utf8.map { byte -> String in
                let unreserved =
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                if unreserved { return String(UnicodeScalar(byte)) }
                return "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
            return "http+unix://" + encoded.joined()
        case .tcp:
            return "http://\(address)"
        }
    }
}

/// A `DOCKER_HOST` value twip cannot use.
public struct DockerHostError: Error, Equatable, CustomStringConvertible {
    /// The value as given.
    public var value: String
    /// Why it was rejected.
    public var reason: String

    /// Renders `invalid DOCKER_HOST "…": reason`.
    public var description: String { "invalid DOCKER_HOST \"\(value)\": \(reason)" }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
