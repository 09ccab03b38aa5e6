/// An `ssh://[user@]host[:port]` engine and the ssh options twip adds to every connection.
public struct SSHDestination: Sendable, Equatable {
    /// The login name (`ssh -l`); nil leaves it to ssh's configuration.
    public var user: String?
    /// The host name or address given to ssh.
    public var host: String
    /// The port (`ssh -p`); nil leaves it to ssh's configuration.
    public var port: Int?
    /// Extra ssh options placed before the destination (from `TWIP_SSH_OPTS`).
    public var options: [String]

    /// Creates a destination.
    public init(user: String? = nil, host: String, port: Int? = nil, options: [String] = []) {
        self.user = user
        self.host = host
        self.port = port
        self.options = options
    }

    /// `[user@]host[:port]`.
    public var address: String {
        var text = user.map { "\($0)@" } ?? ""
        text += port.map { DockerHost.join(host, $0) } ?? (host.contains(":") ? "[\(host)]" : host)
        return text
    }

    /// The command the docker CLI runs for each connection: ssh speaking to the remote engine through
    /// `docker system dial-stdio`, with no terminal and a 30-second connect timeout.
    public var command: [String] {
        var arguments = ["ssh", "-o", "ConnectTimeout=30", "-T"] + options
        if let port { arguments += ["-p", String(port)] }
        if let user { arguments += ["-l", user] }
        return arguments + ["--", host, "docker", "system", "dial-stdio"]
    }

    /// Splits `TWIP_SSH_OPTS` on whitespace (e.g. `-F /path/ssh_config` or `-i KEY -o StrictHostKeyChecking=no`).
    static func options(environment: [String: String]) -> [String] {
        (environment["TWIP_SSH_OPTS"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .map(String.init)
    }
}
