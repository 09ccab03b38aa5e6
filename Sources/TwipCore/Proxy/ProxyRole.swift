public import TwipStack

/// A service that proxies others, declared in the stack with the `x-twip-proxy` extension (decoded and checked
/// by TwipStack as a `ProxyDeclaration`).
///
/// twip renders `config` from the live, healthy replicas of each backend service and reloads the proxy
/// hitlessly (SIGUSR2 for HAProxy in master-worker mode, SIGHUP for nginx) whenever they change.
public struct ProxyRole: Sendable, Hashable {
    /// One proxied service.
    public struct Backend: Sendable, Hashable {
        public var service: String
        public var port: Int
        public var healthPath: String?
        public var sticky: Bool
    }

    public static let extensionKey = ProxyDeclaration.extensionKey

    public var service: String
    public var kind: ProxyKind
    public var configPath: String
    public var backends: [Backend]
    /// `HOST:PORT` of HAProxy's admin socket inside the container; when set, servers change through the runtime
    /// API instead of a reload.
    public var runtime: String?

    /// The signal that makes the proxy re-read its configuration without dropping connections.
    public var reloadSignal: String {
        switch kind {
        case .haproxy: "SIGUSR2"
        case .nginx: "SIGHUP"
        }
    }

    /// The proxy roles the services of `stack` declare; the stack loader has already checked the declarations.
    public static func roles(in stack: Stack) -> [ProxyRole] {
        stack.services.compactMap { service in
            guard let declaration = service.proxy else { return nil }
            return ProxyRole(
                service: service.name, kind: ProxyKind(declaration.kind), configPath: declaration.configPath,
                backends: declaration.backends.map {
                    Backend(service: $0.service, port: $0.port, healthPath: $0.healthPath, sticky: $0.sticky)
                },
                runtime: declaration.runtime)
        }
    }
}

extension ProxyKind {
    /// The kind a stack declares.
    init(_ kind: ProxyDeclaration.Kind) {
        switch kind {
        case .haproxy: self = .haproxy
        case .nginx: self = .nginx
        }
    }
}
