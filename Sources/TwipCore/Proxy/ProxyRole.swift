public import TwipStack

/// A service that proxies others, declared in the stack with the `x-twip-proxy` extension:
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

    public static let extensionKey = "x-twip-proxy"

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

    /// The proxy roles declared in `stack`, or the problems found in their declarations (`path: message`).
    public static func roles(in stack: Stack) -> (roles: [ProxyRole], problems: [String]) {
        var roles: [ProxyRole] = []
        var problems: [String] = []
        for service in stack.services {
            guard let value = service.extensions.first(where: { $0.key == extensionKey })?.value else { continue }
            let path = "services.\(service.name).\(extensionKey)"
            guard case .mapping(let entries) = value else {
                problems.append("\(path): expected a mapping with kind, config and backends")
                continue
            }
            let fields = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            for key in fields.keys where !["kind", "config", "backends", "runtime"].contains(key) {
                problems.append("\(path).\(key): unknown key (expected kind, config, backends or runtime)")
            }
            let kindText = fields["kind"].flatMap(text)
            guard let kindText, let kind = ProxyKind(rawValue: kindText) else {
                problems.append(
                    "\(path).kind: expected one of haproxy, nginx, got \(fields["kind"].flatMap(text).map { "\"\($0)\"" } ?? "nothing")"
                )
                continue
            }
            guard let configPath = fields["config"].flatMap(text), configPath.hasPrefix("/") else {
                problems.append("\(path).config: expected the absolute path of the backends file in the container")
                continue
            }
            guard case .mapping(let backendEntries)? = fields["backends"] else {
                problems.append("\(path).backends: expected a mapping of service name to { port, health, sticky }")
                continue
            }
            var backends: [Backend] = []
            for entry in backendEntries {
                let backendPath = "\(path).backends.\(entry.key)"
                guard stack.service(named: entry.key) != nil else {
                    problems.append("\(backendPath): no service named \"\(entry.key)\" in the stack")
                    continue
                }
                guard case .mapping(let settings) = entry.value else {
                    problems.append("\(backendPath): expected a mapping with port, health and sticky")
                    continue
                }
                let values = Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                guard let portText = values["port"].flatMap(text), let port = Int(portText), (1...65535).contains(port)
                else {
                    problems.append("\(backendPath).port: expected a port number from 1 to 65535")
                    continue
                }
                let health = values["health"].flatMap(text)
                if let health, !health.hasPrefix("/") {
                    problems.append("\(backendPath).health: expected a path starting with /")
                }
                let stickyText = values["sticky"].flatMap(text) ?? "false"
                guard stickyText == "true" || stickyText == "false" else {
                    problems.append("\(backendPath).sticky: expected true or false")
                    continue
                }
                backends.append(
                    Backend(service: entry.key, port: port, healthPath: health, sticky: stickyText == "true"))
            }
            if kind == .nginx && backends.count > 1 {
                problems.append("\(path).backends: an nginx proxy includes one upstream file, so it takes one backend")
            }
            let runtime = fields["runtime"].flatMap(text)
            if let runtime {
                let parts = runtime.split(separator: ":")
                if kind != .haproxy {
                    problems.append("\(path).runtime: only an haproxy proxy has a runtime API")
                } else if parts.count != 2 || Int(parts[1]) == nil {
                    problems.append("\(path).runtime: expected HOST:PORT of the admin socket, got \"\(runtime)\"")
                }
            }
            roles.append(
                ProxyRole(
                    service: service.name, kind: kind, configPath: configPath, backends: backends, runtime: runtime))
        }
        return (roles, problems)
    }

    private static func text(_ value: ExtensionValue) -> String? {
        switch value {
        case .plain(let text), .quoted(let text): text
        default: nil
        }
    }
}
