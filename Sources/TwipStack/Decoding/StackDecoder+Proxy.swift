import TwipYAML

extension StackDecoder {
    /// Decodes a service's `x-twip-proxy`; every problem is reported at its place, the backends' services are
    /// checked once the whole stack is known.
    func decodeProxy(_ node: Node, _ path: String, site: inout Site) -> ProxyDeclaration? {
        guard node.isMapping else {
            context.report(node, path, "expected a mapping with kind, config and backends")
            return nil
        }
        guard let entries = context.entries(node, path, known: ["kind", "config", "backends", "runtime"]) else {
            return nil
        }
        let fields = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var valid = true

        let kindText = fields["kind"]?.stackScalarText
        let kind = kindText.flatMap(ProxyDeclaration.Kind.init(rawValue:))
        if kind == nil {
            valid = false
            context.report(
                fields["kind"] ?? node, joinPath(path, "kind"),
                "expected one of haproxy, nginx, got \(kindText.map { "\"\(DecodingContext.excerpt($0))\"" } ?? "nothing")"
            )
        }

        let configPath = fields["config"]?.stackScalarText
        if !(configPath.map { $0.hasPrefix("/") && !$0.containsControlCharacter } ?? false) {
            valid = false
            context.report(
                fields["config"] ?? node, joinPath(path, "config"),
                "expected the absolute path of the backends file in the container"
                    + (configPath?.containsControlCharacter == true ? " (without control characters)" : ""))
        }

        var backends: [ProxyDeclaration.Backend] = []
        let backendsPath = joinPath(path, "backends")
        if let backendsNode = fields["backends"], let pairs = backendsNode.pairs {
            for pair in pairs {
                guard let name = pair.key.stackScalarText else {
                    context.report(pair.key, backendsPath, "keys must be service names, got \(pair.key.stackKindName)")
                    continue
                }
                let backendPath = joinPath(backendsPath, name)
                site.proxyBackends.append((name, pair.key, backendPath))
                if let backend = decodeBackend(name, pair.value, backendPath) {
                    backends.append(backend)
                } else {
                    valid = false
                }
            }
            if kind == .nginx && backends.count > 1 {
                context.report(
                    backendsNode, backendsPath, "an nginx proxy includes one upstream file, so it takes one backend")
                valid = false
            }
        } else {
            valid = false
            context.report(
                fields["backends"] ?? node, backendsPath,
                "expected a mapping of service name to { port, health, sticky }")
        }

        let runtime = fields["runtime"]?.stackScalarText
        if let runtime, let runtimeNode = fields["runtime"] {
            let runtimePath = joinPath(path, "runtime")
            if kind != nil && kind != .haproxy {
                valid = false
                context.report(runtimeNode, runtimePath, "only an haproxy proxy has a runtime API")
            } else if !Self.isRuntimeEndpoint(runtime) {
                valid = false
                context.report(
                    runtimeNode, runtimePath,
                    "expected HOST:PORT of the admin socket, got \"\(DecodingContext.excerpt(runtime))\"")
            }
        } else if let runtimeNode = fields["runtime"] {
            valid = false
            context.typeMismatch(runtimeNode, joinPath(path, "runtime"), expected: "a string")
        }

        guard valid, let kind, let configPath else { return nil }
        return ProxyDeclaration(kind: kind, configPath: configPath, backends: backends, runtime: runtime)
    }

    private func decodeBackend(_ service: String, _ node: Node, _ path: String) -> ProxyDeclaration.Backend? {
        guard node.isMapping else {
            context.report(node, path, "expected a mapping with port, health and sticky")
            return nil
        }
        guard let entries = context.entries(node, path, known: ["port", "health", "sticky"]) else { return nil }
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var valid = true
        let portText = values["port"]?.stackScalarText
        let port = portText.flatMap { Int($0) }.flatMap { (1...65535).contains($0) ? $0 : nil }
        if port == nil {
            valid = false
            context.report(values["port"] ?? node, joinPath(path, "port"), "expected a port number from 1 to 65535")
        }
        var health: String?
        if let healthNode = values["health"] {
            health = healthNode.stackScalarText
            if let text = health, let problem = Self.healthPathProblem(text) {
                valid = false
                context.report(healthNode, joinPath(path, "health"), problem)
            } else if health == nil {
                valid = false
                context.typeMismatch(healthNode, joinPath(path, "health"), expected: "a path starting with /")
            }
        }
        let stickyText = values["sticky"]?.stackScalarText ?? "false"
        if stickyText != "true" && stickyText != "false" {
            valid = false
            context.report(values["sticky"] ?? node, joinPath(path, "sticky"), "expected true or false")
        }
        guard valid, let port else { return nil }
        return ProxyDeclaration.Backend(service: service, port: port, healthPath: health, sticky: stickyText == "true")
    }

    /// A health path is written into the proxy's configuration (`option httpchk GET PATH`): it must be one token
    /// of URI characters, so that it can neither end the line nor add words to it.
    static func healthPathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "expected a path starting with /" }
        guard path.utf8.count <= 1024 else { return "the path is longer than 1024 characters" }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/?&=%:@!*+,;".utf8)
        guard path.utf8.allSatisfy(allowed.contains) else {
            return
                "invalid health path \"\(DecodingContext.excerpt(path))\": use letters, digits and -._~/?&=%:@!*+,; (no spaces, quotes or control characters)"
        }
        return nil
    }

    /// `HOST:PORT`, with a host name or IPv4 address and a port from 1 to 65535.
    static func isRuntimeEndpoint(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { return false }
        let host = String(parts[0])
        return HostAddress.isIP(host) || HostAddress.hostnameProblem(host) == nil
    }
}
