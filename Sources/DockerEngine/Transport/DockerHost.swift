import Foundation

/// Where the Docker engine listens and how to reach it, resolved the way the docker CLI resolves it.
public enum DockerHost: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket on this machine.
    case unix(path: String)
    /// Plain HTTP over TCP.
    case tcp(host: String, port: Int)
    /// HTTPS over TCP with the given certificates.
    case tls(host: String, port: Int, TLSMaterial)
    /// HTTP spoken through `ssh HOST docker system dial-stdio`, one ssh process per connection.
    case ssh(SSHDestination)

    /// The engine's default socket on Linux.
    public static let defaultSocketPath = "/var/run/docker.sock"

    /// The host used when nothing names another one (the `default` context).
    public static let `default` = DockerHost.unix(path: defaultSocketPath)

    /// Resolves the engine as the docker CLI does: `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and
    /// `DOCKER_CERT_PATH`), else the context named by `DOCKER_CONTEXT`, else `currentContext` in
    /// `$DOCKER_CONFIG/config.json` (`~/.docker` by default), else the local socket.
    ///
    /// `homeDirectory` replaces `$HOME` (tests use it); extra ssh options come from `TWIP_SSH_OPTS`.
    public init(environment: [String: String], homeDirectory: String? = nil) throws(DockerHostError) {
        let configDirectory = DockerConfigFile.directory(environment: environment, homeDirectory: homeDirectory)
        let sshOptions = SSHDestination.options(environment: environment)
        if let value = environment["DOCKER_HOST"], !value.isEmpty {
            let tls = try TLSMaterial(environment: environment, configDirectory: configDirectory)
            self = try DockerHost(parsing: value, tls: tls, sshOptions: sshOptions)
            return
        }
        let name: String
        let setting: String
        if let context = environment["DOCKER_CONTEXT"], !context.isEmpty {
            (name, setting) = (context, "DOCKER_CONTEXT")
        } else {
            let configPath = configDirectory + "/config.json"
            let config: DockerConfigFile?
            do {
                config = try DockerConfigFile.load(path: configPath)
            } catch {
                throw DockerHostError(value: configPath, reason: "\(error)", setting: "Docker config file")
            }
            guard let current = config?.currentContext, !current.isEmpty else {
                self = .default
                return
            }
            (name, setting) = (current, "currentContext in \(configPath)")
        }
        if name == DockerContext.defaultName {
            self = .default
            return
        }
        let store = DockerContextStore(configDirectory: configDirectory)
        let found: DockerContext?
        do {
            found = try store.context(named: name)
        } catch {
            throw DockerHostError(value: name, reason: "\(error)", setting: setting)
        }
        guard let context = found else {
            throw DockerHostError(
                value: name, reason: "no such Docker context (no \(store.metaPath(for: name)))", setting: setting)
        }
        do {
            self = try DockerHost(parsing: context.host, tls: store.tlsMaterial(for: context), sshOptions: sshOptions)
        } catch {
            throw DockerHostError(value: name, reason: "its endpoint: \(error.description)", setting: setting)
        }
    }

    /// Parses `unix:///path/to/socket`, `tcp://host[:port]` (port 2376 with TLS, 2375 without) or
    /// `ssh://[user@]host[:port]`.
    public init(parsing value: String, tls: TLSMaterial? = nil, sshOptions: [String] = []) throws(DockerHostError) {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw DockerHostError(value: value, reason: "socket path must be absolute")
            }
            self = .unix(path: path)
            return
        }
        if value.hasPrefix("tcp://") {
            let (host, port) = try Self.hostAndPort(
                value, rest: value.dropFirst("tcp://".count), defaultPort: tls == nil ? 2375 : 2376)
            if let tls {
                self = .tls(host: host, port: port, tls)
            } else {
                self = .tcp(host: host, port: port)
            }
            return
        }
        if value.hasPrefix("ssh://") {
            var rest = Substring(value.dropFirst("ssh://".count))
            var user: String?
            if let at = rest.lastIndex(of: "@") {
                user = String(rest[..<at])
                rest = rest[rest.index(after: at)...]
                guard user?.isEmpty == false else { throw DockerHostError(value: value, reason: "empty user name") }
            }
            let (host, port) = try Self.hostAndPort(value, rest: rest, defaultPort: nil)
            guard !host.hasPrefix("-") else {
                throw DockerHostError(value: value, reason: "host must not start with \"-\"")
            }
            self = .ssh(SSHDestination(user: user, host: host, port: port, options: sshOptions))
            return
        }
        throw DockerHostError(value: value, reason: "only unix://, tcp:// and ssh:// hosts are supported")
    }

    /// Splits `host[:port]` (IPv6 in brackets) after the scheme; a trailing slash is allowed, a path is not.
    private static func hostAndPort(
        _ value: String, rest input: Substring, defaultPort: Int?
    ) throws(DockerHostError) -> (String, Int?) {
        var rest = input
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else {
            throw DockerHostError(value: value, reason: "expected host:port")
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
                throw DockerHostError(value: value, reason: "expected host:port")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw DockerHostError(value: value, reason: "missing host") }
        var port = defaultPort
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw DockerHostError(value: value, reason: "invalid port \"\(portText)\"")
            }
            port = parsed
        }
        return (String(host), port)
    }

    private static func hostAndPort(
        _ value: String, rest: Substring, defaultPort: Int
    ) throws(DockerHostError) -> (String, Int) {
        let (host, port) = try hostAndPort(value, rest: rest, defaultPort: Optional(defaultPort))
        return (host, port ?? defaultPort)
    }

    /// The socket path, `host:port` or `[user@]host[:port]`, as shown to operators.
    public var address: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port), .tls(let host, let port, _): Self.join(host, port)
        case .ssh(let destination): destination.address
        }
    }

    /// The `DOCKER_HOST` spelling of this host.
    public var description: String {
        switch self {
        case .unix(let path): "unix://\(path)"
        case .tcp, .tls: "tcp://\(address)"
        case .ssh: "ssh://\(address)"
        }
    }

    /// True for an engine on this machine's socket, the one `twip setup` can start.
    public var isLocalSocket: Bool {
        if case .unix = self { return true }
        return false
    }

    static func join(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The `Host` header sent with every request.
    var hostHeader: String {
        switch self {
        case .unix, .ssh: "localhost"
        case .tcp, .tls: address
        }
    }

    /// The URL prefix AsyncHTTPClient understands for this host; nil for ssh, reached through its tunnel's socket.
    var baseURL: String? {
        switch self {
        case .unix(let path): Self.unixURL(path: path)
        case .tcp: "http://\(address)"
        case .tls: "https://\(address)"
        case .ssh: nil
        }
    }

    /// The `http+unix` URL prefix for a socket path, percent-encoded as AsyncHTTPClient expects.
    static func unixURL(path: String) -> String {
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
    }
}

/// Certificates for a TLS engine: the CA that signs the server's certificate and the client's own pair.
public struct TLSMaterial: Sendable, Equatable {
    /// PEM file of the CA to trust; nil trusts the system's roots.
    public var caFile: String?
    /// PEM file of the client certificate, sent when the server asks.
    public var certificateFile: String?
    /// PEM file of the client certificate's key.
    public var keyFile: String?
    /// False skips verification of the server's certificate (`DOCKER_TLS` without `DOCKER_TLS_VERIFY`).
    public var verify: Bool

    /// Creates TLS settings from file paths.
    public init(caFile: String?, certificateFile: String?, keyFile: String?, verify: Bool) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.verify = verify
    }

    /// Reads `DOCKER_TLS_VERIFY` / `DOCKER_TLS` (any non-empty value, as the docker CLI reads them) and
    /// `DOCKER_CERT_PATH` (the config directory by default); nil when neither asks for TLS.
    ///
    /// With verification `ca.pem` must exist; `cert.pem` and `key.pem` are used when both exist.
    init?(environment: [String: String], configDirectory: String) throws(DockerHostError) {
        let verify = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        guard verify || !(environment["DOCKER_TLS"] ?? "").isEmpty else { return nil }
        let directory = environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? configDirectory
        let files = FileManager.default
        var caFile: String?
        if verify {
            let ca = directory + "/ca.pem"
            guard files.isReadableFile(atPath: ca) else {
                throw DockerHostError(
                    value: directory, reason: "DOCKER_TLS_VERIFY is set but \(ca) cannot be read",
                    setting: "DOCKER_CERT_PATH")
            }
            caFile = ca
        }
        let cert = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let hasPair = files.isReadableFile(atPath: cert) && files.isReadableFile(atPath: key)
        self.init(
            caFile: caFile, certificateFile: hasPair ? cert : nil, keyFile: hasPair ? key : nil, verify: verify)
    }
}

/// A `DOCKER_HOST`, context or TLS setting twip cannot use.
public struct DockerHostError: Error, Equatable, CustomStringConvertible {
    /// The value as given.
    public var value: String
    /// Why it was rejected.
    public var reason: String
    /// Where the value came from: `DOCKER_HOST`, `DOCKER_CONTEXT`, `currentContext in …/config.json` ….
    public var setting: String

    /// Creates an error about `value` read from `setting`.
    public init(value: String, reason: String, setting: String = "DOCKER_HOST") {
        self.value = value
        self.reason = reason
        self.setting = setting
    }

    /// Renders `invalid DOCKER_HOST "…": reason`.
    public var description: String { "invalid \(setting) \"\(value)\": \(reason)" }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
