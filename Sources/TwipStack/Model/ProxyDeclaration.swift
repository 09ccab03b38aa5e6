/// What a proxy service declares under `x-twip-proxy`: the proxy's kind, the backends file twip rewrites and the
/// services it forwards to.
///
/// ```yaml
/// proxy:
///   x-twip-proxy:
///     kind: haproxy                                  # or nginx
///     config: /usr/local/etc/haproxy/backends.cfg    # the file twip rewrites
///     backends:
///       static: { port: 80, health: /healthz }
///       web: { port: 8080, health: /health, sticky: true }
///     runtime: 127.0.0.1:9999                        # optional: HAProxy's admin socket, no reloads
/// ```
public struct ProxyDeclaration: Sendable, Hashable {
    /// The proxy software, which decides the backends file's format and how it reloads.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case haproxy, nginx
    }

    /// One proxied service.
    public struct Backend: Sendable, Hashable {
        /// The service whose replicas receive the traffic.
        public var service: String
        /// The replicas' port.
        public var port: Int
        /// The path the proxy checks health with, e.g. `/health`.
        public var healthPath: String?
        /// True when a client stays on the replica that holds its session.
        public var sticky: Bool

        /// Creates a backend.
        public init(service: String, port: Int, healthPath: String? = nil, sticky: Bool = false) {
            self.service = service
            self.port = port
            self.healthPath = healthPath
            self.sticky = sticky
        }
    }

    /// The key the declaration is written under in a service.
    public static let extensionKey = "x-twip-proxy"

    public var kind: Kind
    /// The absolute path, inside the proxy's container, of the backends file twip writes.
    public var configPath: String
    public var backends: [Backend]
    /// `HOST:PORT` of HAProxy's admin socket inside the container, when servers change through its runtime API.
    public var runtime: String?

    /// Creates a declaration.
    public init(kind: Kind, configPath: String, backends: [Backend], runtime: String? = nil) {
        self.kind = kind
        self.configPath = configPath
        self.backends = backends
        self.runtime = runtime
    }
}
