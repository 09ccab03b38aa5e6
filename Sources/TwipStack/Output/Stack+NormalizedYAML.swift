import TwipYAML

extension Stack {
    /// The stack after interpolation in long syntax, as YAML that loads back into an equal stack (`twip config`).
    public func normalizedYAML() -> String {
        YAMLEmitter.emit(normalizedNode())
    }

    /// The stack in long syntax as a node tree.
    func normalizedNode() -> Node {
        var root: [(String, Node)] = [("name", .text(name))]
        root.append(("services", .map(services.map { ($0.name, $0.normalizedNode(forHash: false)) })))
        if !networks.isEmpty { root.append(("networks", .map(networks.map { ($0.name, $0.normalizedNode()) }))) }
        if !volumes.isEmpty { root.append(("volumes", .map(volumes.map { ($0.name, $0.normalizedNode()) }))) }
        if !secrets.isEmpty { root.append(("secrets", .map(secrets.map { ($0.name, $0.normalizedNode()) }))) }
        if !configs.isEmpty { root.append(("configs", .map(configs.map { ($0.name, $0.normalizedNode()) }))) }
        root += extensions.map { ($0.key, $0.value.node) }
        return .map(root)
    }
}

extension Service {
    /// The service in long syntax; `forHash` leaves out what does not define a replica's container.
    func normalizedNode(forHash: Bool) -> Node {
        var entries: [(String, Node)] = []
        func add(_ key: String, _ value: Node?) {
            if let value { entries.append((key, value)) }
        }
        add("image", image.map(Node.text))
        if let build {
            var b: [(String, Node)] = [("context", .text(build.context))]
            if let dockerfile = build.dockerfile { b.append(("dockerfile", .text(dockerfile))) }
            if !build.args.isEmpty { b.append(("args", .stringMap(build.args))) }
            if let target = build.target { b.append(("target", .text(target))) }
            if !build.labels.isEmpty { b.append(("labels", .stringMap(build.labels))) }
            if !build.cacheFrom.isEmpty { b.append(("cache_from", .list(build.cacheFrom.map(Node.text)))) }
            if let network = build.network { b.append(("network", .text(network))) }
            add("build", .map(b))
        }
        add("command", command.map { .list($0.map(Node.text)) })
        add("entrypoint", entrypoint.map { .list($0.map(Node.text)) })
        if !environment.isEmpty {
            let variables = forHash ? environment.sorted { $0.name < $1.name } : environment
            add("environment", .map(variables.map { ($0.name, $0.value.map(Node.text) ?? .null()) }))
        }
        if !envFile.isEmpty && !forHash { add("env_file", .list(envFile.map(Node.text))) }
        if !portMappings.isEmpty {
            add(
                "ports",
                .list(
                    portMappings.map { port in
                        var p: [(String, Node)] = [("target", .ports(port.target))]
                        if let published = port.published { p.append(("published", .ports(published))) }
                        if let hostIP = port.hostIP { p.append(("host_ip", .text(hostIP))) }
                        p.append(("protocol", .text(port.protocol)))
                        if let mode = port.mode { p.append(("mode", .text(mode))) }
                        return .map(p)
                    }))
        }
        if !exposedPorts.isEmpty { add("expose", .list(exposedPorts.map { .text($0.description) })) }
        if !volumes.isEmpty {
            add(
                "volumes",
                .list(
                    volumes.map { mount in
                        var m: [(String, Node)] = [("type", .text(mount.type.rawValue))]
                        if let source = mount.source { m.append(("source", .text(source))) }
                        m.append(("target", .text(mount.target)))
                        if mount.readOnly { m.append(("read_only", .bool(true))) }
                        if let propagation = mount.propagation {
                            m.append(("bind", .map([("propagation", .text(propagation))])))
                        }
                        return .map(m)
                    }))
        }
        if !networks.isEmpty {
            add(
                "networks",
                .map(
                    networks.map { network in
                        var n: [(String, Node)] = []
                        if !network.aliases.isEmpty { n.append(("aliases", .list(network.aliases.map(Node.text)))) }
                        if let address = network.ipv4Address { n.append(("ipv4_address", .text(address))) }
                        if let address = network.ipv6Address { n.append(("ipv6_address", .text(address))) }
                        return (network.name, n.isEmpty ? .null() : .map(n))
                    }))
        }
        if !dependsOn.isEmpty && !forHash {
            add(
                "depends_on",
                .map(
                    dependsOn.map { dependency in
                        var d: [(String, Node)] = [("condition", .text(dependency.condition.rawValue))]
                        if !dependency.required { d.append(("required", .bool(false))) }
                        return (dependency.service, .map(d))
                    }))
        }
        if let healthcheck {
            var h: [(String, Node)] = []
            if !healthcheck.test.isEmpty { h.append(("test", .list(healthcheck.test.map(Node.text)))) }
            if let interval = healthcheck.interval { h.append(("interval", .duration(interval))) }
            if let timeout = healthcheck.timeout { h.append(("timeout", .duration(timeout))) }
            if let retries = healthcheck.retries { h.append(("retries", .int(retries))) }
            if let startPeriod = healthcheck.startPeriod { h.append(("start_period", .duration(startPeriod))) }
            if let startInterval = healthcheck.startInterval {
                h.append(("start_interval", .duration(startInterval)))
            }
            if healthcheck.disable { h.append(("disable", .bool(true))) }
            add("healthcheck", .map(h))
        }
        add("restart", restart.map { .text($0.description) })
        // A global service runs one task per node: it has no replica count (and refuses one when read back).
        var d: [(String, Node)] =
            forHash || deploy.swarm.mode == .global ? [] : [("replicas", .int(deploy.replicas))]
        var resources: [(String, Node)] = []
        if let limits = deploy.limits.node { resources.append(("limits", limits)) }
        if let reservations = deploy.reservations.node { resources.append(("reservations", reservations)) }
        if !resources.isEmpty { d.append(("resources", .map(resources))) }
        if let update = deploy.updateConfig, !forHash {
            var u: [(String, Node)] = []
            if let parallelism = update.parallelism { u.append(("parallelism", .int(parallelism))) }
            if let delay = update.delay { u.append(("delay", .duration(delay))) }
            if let order = update.order { u.append(("order", .text(order.rawValue))) }
            if let action = update.failureAction { u.append(("failure_action", .text(action.rawValue))) }
            if let monitor = update.monitor { u.append(("monitor", .duration(monitor))) }
            if let ratio = update.maxFailureRatio { u.append(("max_failure_ratio", .text(String(ratio)))) }
            d.append(("update_config", .map(u)))
        }

        // How the swarm schedules and rolls tasks: shown, but like update_config it recreates no container.
        if !forHash { d += deploy.swarm.normalizedEntries }
        if !d.isEmpty { add("deploy", .map(d)) }
        if !labels.isEmpty { add("labels", .stringMap(labels)) }
        add("hostname", hostname.map(Node.text))
        add("container_name", containerName.map(Node.text))
        if !links.isEmpty {
            add("links", .list(links.map { link in .text(link.alias.map { "\(link.service):\($0)" } ?? link.service) }))
        }
        add("working_dir", workingDir.map(Node.text))
        add("user", user.map(Node.text))
        add("mem_limit", memLimit.map { .int(Int($0)) })
        add("cpus", cpus.map(Node.number))
        add("stop_grace_period", stopGracePeriod.map(Node.duration))
        add("stop_signal", stopSignal.map(Node.text))
        add("read_only", readOnly.map { .bool($0) })
        if !tmpfs.isEmpty { add("tmpfs", .list(tmpfs.map(Node.text))) }
        entries += options.normalizedEntries()
        if !profiles.isEmpty && !forHash { add("profiles", .list(profiles.map(Node.text))) }
        if !forHash { entries += extensions.map { ($0.key, $0.value.node) } }
        return .map(entries)
    }
}

extension Network {
    fileprivate func normalizedNode() -> Node {
        var n: [(String, Node)] = []
        if let driver { n.append(("driver", .text(driver))) }
        if external { n.append(("external", .bool(true))) }
        if let externalName { n.append(("name", .text(externalName))) }
        if `internal` { n.append(("internal", .bool(true))) }
        if !labels.isEmpty { n.append(("labels", .stringMap(labels))) }
        if !driverOptions.isEmpty { n.append(("driver_opts", .stringMap(driverOptions))) }
        if let ipam { n.append(("ipam", ipam.normalizedNode())) }
        if attachable { n.append(("attachable", .bool(true))) }
        if enableIPv6 { n.append(("enable_ipv6", .bool(true))) }
        n += extensions.map { ($0.key, $0.value.node) }
        return n.isEmpty ? .null() : .map(n)
    }
}

extension Volume {
    fileprivate func normalizedNode() -> Node {
        var n: [(String, Node)] = []
        if let driver { n.append(("driver", .text(driver))) }
        if external { n.append(("external", .bool(true))) }
        if let externalName { n.append(("name", .text(externalName))) }
        if !labels.isEmpty { n.append(("labels", .stringMap(labels))) }
        if !driverOptions.isEmpty { n.append(("driver_opts", .stringMap(driverOptions))) }
        n += extensions.map { ($0.key, $0.value.node) }
        return n.isEmpty ? .null() : .map(n)
    }
}

extension Resources {
    fileprivate var node: Node? {
        var r: [(String, Node)] = []
        if let cpus { r.append(("cpus", .number(cpus))) }
        if let memory { r.append(("memory", .int(Int(memory)))) }
        return r.isEmpty ? nil : .map(r)
    }
}

extension ExtensionValue {
    fileprivate var node: Node {
        switch self {
        case .null: .null()
        case .plain(let text): Node(.scalar(Node.escapingDollars(text), .plain), mark: Node.noMark)
        case .quoted(let text): Node(.scalar(Node.escapingDollars(text), .doubleQuoted), mark: Node.noMark)
        case .sequence(let items): .list(items.map(\.node))
        case .mapping(let entries): .map(entries.map { ($0.key, $0.value.node) })
        }
    }
}

extension Node {
    static let noMark = Mark(line: 0, column: 0)

    static func map(_ entries: [(String, Node)]) -> Node {
        Node(
            .mapping(entries.map { Pair(key: Node(.scalar($0.0, .plain), mark: noMark), value: $0.1) }), mark: noMark)
    }

    /// A string value, double-quoted so it never reads back as a number, bool or null; `$` is escaped as `$$`.
    static func text(_ text: String) -> Node {
        Node(.scalar(escapingDollars(text), .doubleQuoted), mark: noMark)
    }

    /// One port as a number, a range as the text `8000-8010` (ranges stay ranges, however many ports they hold).
    static func ports(_ range: ClosedRange<Int>) -> Node {
        range.count == 1 ? .int(range.lowerBound) : .text("\(range.lowerBound)-\(range.upperBound)")
    }

    static func number(_ value: Double) -> Node {
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return Node(.scalar(text, .plain), mark: noMark)
    }
    static func duration(_ value: Duration) -> Node {
        Node(.scalar(ValueParsers.format(value), .plain), mark: noMark)
    }
    static func stringMap(_ map: [String: String]) -> Node {
        .map(map.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) })
    }

    static func escapingDollars(_ text: String) -> String {
        text.contains("$") ? text.split(separator: "$", omittingEmptySubsequences: false).joined(separator: "$$") : text
    }
}
