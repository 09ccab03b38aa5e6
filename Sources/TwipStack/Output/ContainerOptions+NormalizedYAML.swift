import TwipYAML

extension ContainerOptions {
    /// The options in long syntax, in a fixed order; empty entries are left out.
    func normalizedEntries() -> [(String, Node)] {
        var entries: [(String, Node)] = []
        func add(_ key: String, _ value: Node?) {
            if let value { entries.append((key, value)) }
        }
        func list(_ key: String, _ values: [String]) {
            if !values.isEmpty { entries.append((key, .list(values.map(Node.text)))) }
        }
        add("init", initProcess.map { .bool($0) })
        add("tty", tty.map { .bool($0) })
        add("stdin_open", stdinOpen.map { .bool($0) })
        add("shm_size", shmSize.map { .int(Int($0)) })
        if !ulimits.isEmpty {
            add(
                "ulimits",
                .map(ulimits.map { ($0.name, .map([("soft", .int(Int($0.soft))), ("hard", .int(Int($0.hard)))])) }))
        }
        list("cap_add", capAdd)
        list("cap_drop", capDrop)
        list("security_opt", securityOpt)
        if !sysctls.isEmpty { add("sysctls", .stringMap(sysctls)) }
        add("pids_limit", pidsLimit.map { .int(Int($0)) })
        if let logging {
            var l: [(String, Node)] = []
            if let driver = logging.driver { l.append(("driver", .text(driver))) }
            if !logging.options.isEmpty { l.append(("options", .stringMap(logging.options))) }
            add("logging", .map(l))
        }
        list("dns", dns)
        list("dns_search", dnsSearch)
        list("dns_opt", dnsOptions)
        list("extra_hosts", extraHosts)
        list("group_add", groupAdd)
        list("devices", devices)
        add("runtime", runtime.map(Node.text))
        add("platform", platform.map(Node.text))
        add("network_mode", networkMode.map(Node.text))
        list("volumes_from", volumesFrom)
        add("pull_policy", pullPolicy.map(Node.text))
        if !secrets.isEmpty { add("secrets", .list(secrets.map(\.node))) }
        if !configs.isEmpty { add("configs", .list(configs.map(\.node))) }
        return entries
    }
}

extension FileGrant {
    fileprivate var node: Node {
        var g: [(String, Node)] = [("source", .text(source))]
        if let target { g.append(("target", .text(target))) }
        if let uid { g.append(("uid", .text(uid))) }
        if let gid { g.append(("gid", .text(gid))) }
        if let mode { g.append(("mode", .text("0" + String(mode, radix: 8)))) }
        return .map(g)
    }
}

extension FileObject {
    func normalizedNode() -> Node {
        var o: [(String, Node)] = []
        if let file { o.append(("file", .text(file))) }
        if let environment { o.append(("environment", .text(environment))) }
        if let content { o.append(("content", .text(content))) }
        if external { o.append(("external", .bool(true))) }
        return .map(o)
    }
}

extension IPAM {
    func normalizedNode() -> Node {
        var i: [(String, Node)] = []
        if let driver { i.append(("driver", .text(driver))) }
        if !config.isEmpty {
            i.append(
                (
                    "config",
                    .list(
                        config.map { pool in
                            var p: [(String, Node)] = []
                            if let subnet = pool.subnet { p.append(("subnet", .text(subnet))) }
                            if let range = pool.ipRange { p.append(("ip_range", .text(range))) }
                            if let gateway = pool.gateway { p.append(("gateway", .text(gateway))) }
                            if !pool.auxAddresses.isEmpty { p.append(("aux_addresses", .stringMap(pool.auxAddresses))) }
                            return .map(p)
                        })
                ))
        }
        if !options.isEmpty { i.append(("options", .stringMap(options))) }
        return .map(i)
    }
}
