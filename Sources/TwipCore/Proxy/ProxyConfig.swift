/// The proxy software whose backend list twip renders.
public enum ProxyKind: String, Sendable, Hashable, CaseIterable {
    case haproxy, nginx
}

/// One live replica a proxy may send traffic to.
public struct ProxyServer: Sendable, Hashable {
    /// The replica's container name, also its HAProxy server name and stickiness cookie value.
    public var name: String
    /// The replica's address on the environment's network.
    public var address: String

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

/// A service behind the proxy and its live, healthy replicas.
public struct ProxyBackend: Sendable, Hashable {
    public var service: String
    public var port: Int
    /// The path the proxy checks; nil for a plain TCP check.
    public var healthPath: String?
    /// Whether a client stays on the replica that gave it its session cookie.
    public var sticky: Bool
    public var servers: [ProxyServer]

    public init(service: String, port: Int, healthPath: String?, sticky: Bool, servers: [ProxyServer]) {
        self.service = service
        self.port = port
        self.healthPath = healthPath
        self.sticky = sticky
        self.servers = servers
    }
}

/// Renders the backend part of a proxy's configuration from the live replicas.
///
/// Routing (which path goes to which backend) stays in the configuration baked into the proxy image; twip
/// owns only the file listing the servers, so that it can follow scaling and reload the proxy hitlessly.
public enum ProxyConfig {
    /// The cookie HAProxy sets to stick a client to the replica that holds its session.
    public static let stickyCookie = "SERVERID"

    /// The text of the backends file for `kind`.
    public static func render(_ kind: ProxyKind, backends: [ProxyBackend], environment: String = "twip") -> String {
        switch kind {
        case .haproxy: haproxy(backends, environment: environment)
        case .nginx: nginx(backends)
        }
    }

    /// Sticky backends use dynamic cookies (a hash of the server's address and a key), which also covers
    /// servers added later through the runtime API, where a fixed `cookie` value is not accepted.
    static func haproxy(_ backends: [ProxyBackend], environment: String) -> String {
        var text = "# Written by twip from the live replicas; rewritten on every change of the environment.\n"
        for backend in backends {
            text += "\nbackend \(backend.service)\n"
            text += "    balance roundrobin\n"
            if let path = backend.healthPath {
                text += "    option httpchk GET \(path)\n"
                text += "    http-check expect status 200\n"
            }
            if backend.sticky {
                // A client that got a replica's cookie keeps reaching it while it is up; its session lives there.
                text += "    cookie \(stickyCookie) insert indirect nocache dynamic\n"
                text += "    dynamic-cookie-key twip-\(environment)-\(backend.service)\n"
            }
            text += "    default-server check inter 1s fastinter 500ms fall 2 rise 1\n"
            for server in backend.servers {
                text += "    server \(server.name) \(server.address):\(backend.port)\n"
            }
        }
        return text
    }

    /// nginx includes this file inside its `upstream` block (the stickiness `hash` lives in the baked config),
    /// so it holds only `server` lines, of the first backend: an nginx proxy role has exactly one.
    static func nginx(_ backends: [ProxyBackend]) -> String {
        var text = "# Written by twip from the live replicas; rewritten on every change of the environment.\n"
        guard let backend = backends.first else { return text }
        if backend.servers.isEmpty {
            // nginx refuses an empty upstream; a server marked down makes it answer 502 instead.
            text += "server 127.0.0.1:\(backend.port) down;\n"
        }
        for server in backend.servers {
            text += "server \(server.address):\(backend.port) max_fails=1 fail_timeout=2s;\n"
        }
        return text
    }

    /// The file a handing-over nginx generation is given before it starts, next to its backends file: a server on
    /// the generation's own loopback port answering its container's name, so that twip can tell it listens while
    /// another generation still answers on the shared ports. The nginx configuration includes it
    /// (`include DIR/generation*.conf;` at the http level).
    public static func nginxGeneration(port: Int, container: String) -> String {
        """
        # Written by twip: this generation's own readiness port, on the loopback of the shared network namespace.
        server {
            listen 127.0.0.1:\(port);
            access_log off;
            location = /twip-generation { return 200 "\(container)\\n"; }
        }

        """
    }
}
