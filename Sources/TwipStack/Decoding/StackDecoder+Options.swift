import TwipYAML

/// The service keys that become engine settings (`ContainerOptions`): init, tty, limits, capabilities, DNS,
/// logging, devices, network mode, secrets and configs.
extension StackDecoder {
    static let optionKeys = [
        "init", "tty", "stdin_open", "shm_size", "ulimits", "cap_add", "cap_drop", "security_opt", "sysctls",
        "pids_limit", "logging", "dns", "dns_search", "dns_opt", "extra_hosts", "group_add", "devices", "runtime",
        "platform", "network_mode", "volumes_from", "pull_policy", "secrets", "configs", "profiles", "privileged",
        "attach", "extends",
    ]

    /// Decodes one of `optionKeys` into `service`.
    func decodeOption(_ key: String, _ value: Node, _ path: String, into service: inout Service) {
        var options = service.options
        defer { service.options = options }
        switch key {
        case "init": options.initProcess = context.bool(value, path)
        case "tty": options.tty = context.bool(value, path)
        case "stdin_open": options.stdinOpen = context.bool(value, path)
        case "shm_size": options.shmSize = context.size(value, path)
        case "ulimits": options.ulimits = decodeUlimits(value, path)
        case "cap_add": options.capAdd = context.stringList(value, path) ?? []
        case "cap_drop": options.capDrop = context.stringList(value, path) ?? []
        case "security_opt": options.securityOpt = context.stringList(value, path) ?? []
        case "sysctls": options.sysctls = context.stringMap(value, path) ?? [:]
        case "pids_limit":
            if let n = context.int(value, path, minimum: -1) { options.pidsLimit = Int64(n) }
        case "logging": options.logging = decodeLogging(value, path)
        case "dns": options.dns = addresses(value, path, what: "DNS server")
        case "dns_search": options.dnsSearch = context.stringList(value, path, allowString: true) ?? []
        case "dns_opt": options.dnsOptions = context.stringList(value, path) ?? []
        case "extra_hosts": options.extraHosts = decodeExtraHosts(value, path)
        case "group_add": options.groupAdd = context.stringList(value, path) ?? []
        case "devices": options.devices = decodeDevices(value, path)
        case "runtime": options.runtime = context.string(value, path)
        case "platform":
            options.platform = context.string(value, path)
            if let platform = options.platform, platform.split(separator: "/").count < 2 {
                context.report(value, path, "invalid platform \"\(platform)\": expected OS/ARCH such as linux/amd64")
            }
        case "network_mode": options.networkMode = decodeNetworkMode(value, path)
        case "volumes_from": options.volumesFrom = decodeVolumesFrom(value, path)
        case "pull_policy":
            guard let text = context.string(value, path) else { break }
            if ["always", "never", "missing", "build", "if_not_present"].contains(text) {
                options.pullPolicy = text
                if text == "always" || text == "build" {
                    context.warn(
                        value, path, "pull_policy \(text) is not honoured: twip uses the images it has or builds")
                }
            } else {
                context.report(
                    value, path,
                    "invalid pull_policy \"\(text)\": expected always, never, missing, if_not_present or build")
            }
        case "secrets": options.secrets = decodeGrants(value, path, kind: "secret")
        case "configs": options.configs = decodeGrants(value, path, kind: "config")
        case "profiles": service.profiles = context.stringList(value, path) ?? []
        case "privileged":
            if context.bool(value, path) == true {
                context.warn(value, path, "privileged is not honoured: twip never runs privileged containers")
            }
        case "attach":
            _ = context.bool(value, path)
        case "extends":
            // Resolved before decoding (ServiceExtends); what is left here was already reported.
            break
        default: break
        }
    }

    private func decodeUlimits(_ node: Node, _ path: String) -> [Ulimit] {
        guard case .mapping(let pairs) = node.content else {
            context.typeMismatch(node, path, expected: "a mapping")
            return []
        }
        var result: [Ulimit] = []
        for pair in pairs {
            guard let name = pair.key.stackScalarText else { continue }
            let p = joinPath(path, name)
            if pair.value.stackScalarText != nil {
                if let n = context.int(pair.value, p, minimum: -1) {
                    result.append(Ulimit(name: name, soft: Int64(n), hard: Int64(n)))
                }
                continue
            }
            guard let entries = context.entries(pair.value, p, known: ["soft", "hard"]) else { continue }
            var soft: Int?
            var hard: Int?
            for (key, value, _) in entries {
                let n = context.int(value, joinPath(p, key), minimum: -1)
                if key == "soft" { soft = n } else { hard = n }
            }
            guard let soft, let hard else {
                context.report(pair.value, p, "a ulimit needs both \"soft\" and \"hard\"")
                continue
            }
            if hard != -1, soft == -1 || soft > hard {
                context.report(pair.value, p, "the soft limit \(soft) is above the hard limit \(hard)")
                continue
            }
            result.append(Ulimit(name: name, soft: Int64(soft), hard: Int64(hard)))
        }
        return result
    }

    private func decodeLogging(_ node: Node, _ path: String) -> LogSettings? {
        guard let entries = context.entries(node, path, known: ["driver", "options"]) else { return nil }
        var settings = LogSettings()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            if key == "driver" { settings.driver = context.string(value, p) }
            if key == "options" { settings.options = context.stringMap(value, p) ?? [:] }
        }
        return settings
    }

    private func addresses(_ node: Node, _ path: String, what: String) -> [String] {
        guard let list = context.stringList(node, path, allowString: true) else { return [] }
        for (index, address) in list.enumerated() where !HostAddress.isIP(address) {
            let item = node.sequence?[index] ?? node
            context.report(
                item, node.sequence == nil ? path : "\(path)[\(index)]",
                "invalid \(what) \"\(DecodingContext.excerpt(address))\": expected an IPv4 or IPv6 address")
        }
        return list.filter(HostAddress.isIP)
    }

    /// `HOST:IP` or `HOST=IP` entries, or a mapping of host to address; kept as `HOST:IP` for the engine.
    private func decodeExtraHosts(_ node: Node, _ path: String) -> [String] {
        var entries: [(host: String, address: String, node: Node, path: String)] = []
        switch node.content {
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                let p = "\(path)[\(index)]"
                guard let text = context.string(item, p) else { continue }
                let separator = text.firstIndex(where: { $0 == "=" || $0 == ":" })
                guard let separator else {
                    context.report(item, p, "invalid extra host \"\(DecodingContext.excerpt(text))\": expected HOST:IP")
                    continue
                }
                let address = String(text[text.index(after: separator)...])
                entries.append((String(text[..<separator]), address, item, p))
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let host = pair.key.stackScalarText else { continue }
                let p = joinPath(path, host)
                if let address = context.string(pair.value, p) { entries.append((host, address, pair.value, p)) }
            }
        case .scalar:
            context.typeMismatch(node, path, expected: "a list or a mapping")
        }
        var result: [String] = []
        for entry in entries {
            let address =
                entry.address.hasPrefix("[") && entry.address.hasSuffix("]")
                ? String(entry.address.dropFirst().dropLast()) : entry.address
            guard HostAddress.isIP(address) || address == "host-gateway" else {
                context.report(
                    entry.node, entry.path,
                    "invalid extra host address \"\(DecodingContext.excerpt(entry.address))\": expected an IP address or host-gateway"
                )
                continue
            }
            result.append("\(entry.host):\(address)")
        }
        return result
    }

    private func decodeDevices(_ node: Node, _ path: String) -> [String] {
        guard let list = context.stringList(node, path) else { return [] }
        var result: [String] = []
        for (index, device) in list.enumerated() {
            let parts = device.split(separator: ":", omittingEmptySubsequences: false)
            let permissionsOK = parts.count < 3 || parts[2].allSatisfy { "rwm".contains($0) }
            guard device.hasPrefix("/"), parts.count <= 3, permissionsOK else {
                context.report(
                    node.sequence?[index] ?? node, "\(path)[\(index)]",
                    "invalid device \"\(DecodingContext.excerpt(device))\": expected /HOST/PATH[:/CONTAINER/PATH[:rwm]]"
                )
                continue
            }
            result.append(device)
        }
        return result
    }

    private func decodeNetworkMode(_ node: Node, _ path: String) -> String? {
        guard let text = context.string(node, path) else { return nil }
        if ["host", "none", "bridge"].contains(text) { return text }
        for prefix in ["service:", "container:"] where text.hasPrefix(prefix) && text.count > prefix.count {
            if prefix == "service:" {
                namedObjects.append(("service", String(text.dropFirst(prefix.count)), node, path))
            }
            return text
        }
        context.report(
            node, path,
            "invalid network_mode \"\(DecodingContext.excerpt(text))\": expected host, none, bridge, service:NAME or container:NAME"
        )
        return nil
    }

    private func decodeVolumesFrom(_ node: Node, _ path: String) -> [String] {
        guard let list = context.stringList(node, path) else { return [] }
        var result: [String] = []
        for (index, entry) in list.enumerated() {
            var parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.first == "container" { parts.removeFirst() }
            let modeOK = parts.count == 1 || (parts.count == 2 && ["ro", "rw"].contains(parts[1]))
            guard modeOK, let name = parts.first, !name.isEmpty else {
                context.report(
                    node.sequence?[index] ?? node, "\(path)[\(index)]",
                    "invalid volumes_from \"\(DecodingContext.excerpt(entry))\": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]"
                )
                continue
            }
            if !entry.hasPrefix("container:") {
                namedObjects.append(("service", name, node.sequence?[index] ?? node, "\(path)[\(index)]"))
            }
            result.append(entry)
        }
        return result
    }

    private func decodeGrants(_ node: Node, _ path: String, kind: String) -> [FileGrant] {
        guard case .sequence(let items) = node.content else {
            context.typeMismatch(node, path, expected: "a list")
            return []
        }
        var result: [FileGrant] = []
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            if item.stackScalarText != nil {
                if let name = context.string(item, p) {
                    result.append(FileGrant(source: name))
                    namedObjects.append((kind, name, item, p))
                }
                continue
            }
            guard let entries = context.entries(item, p, known: ["source", "target", "uid", "gid", "mode"]) else {
                continue
            }
            var grant = FileGrant(source: "")
            for (key, value, _) in entries {
                let kp = joinPath(p, key)
                switch key {
                case "source": grant.source = context.string(value, kp) ?? ""
                case "target": grant.target = context.string(value, kp)
                case "uid": grant.uid = context.string(value, kp)
                case "gid": grant.gid = context.string(value, kp)
                case "mode":
                    guard let text = context.string(value, kp) else { continue }
                    let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
                    guard let mode = text.hasPrefix("0") ? Int(digits, radix: 8) : Int(text), (0...0o777).contains(mode)
                    else {
                        context.report(value, kp, "invalid mode \"\(text)\": expected a file mode such as 0440")
                        continue
                    }
                    grant.mode = mode
                default: break
                }
            }
            if grant.source.isEmpty {
                context.report(item, p, "the \(kind) has no \"source\"")
                continue
            }
            namedObjects.append((kind, grant.source, item, p))
            result.append(grant)
        }
        return result
    }

    /// Top-level `secrets` or `configs`: each a `file`, an `environment` variable, inline `content` (configs) or
    /// `external`. An external one is accepted here; using it on a single engine fails when the stack is run.
    func decodeFileObjects(_ node: Node, _ path: String, kind: String) -> [FileObject] {
        guard case .mapping(let pairs) = node.content else {
            context.typeMismatch(node, path, expected: "a mapping")
            return []
        }
        let known = [
            "file", "environment", "external", "name", "content", "labels", "driver", "driver_opts",
            "template_driver",
        ]
        var result: [FileObject] = []
        for pair in pairs {
            guard let name = pair.key.stackScalarText else { continue }
            let p = joinPath(path, name)
            guard let entries = context.entries(pair.value, p, known: known) else { continue }
            var object = FileObject(name: name)
            for (key, value, _) in entries {
                let kp = joinPath(p, key)
                switch key {
                case "file": object.file = context.string(value, kp).map(context.resolvePath)
                case "environment": object.environment = context.string(value, kp)
                case "external":
                    if value.stackScalarText != nil {
                        object.external = context.bool(value, kp) ?? false
                    } else {
                        object.external = true
                    }
                case "content":
                    if kind == "config" {
                        object.content = context.string(value, kp)
                    } else {
                        context.report(value, kp, "inline \"content\" is only for configs; put the secret in a file")
                    }
                case "name", "labels": break
                default:
                    context.warn(value, kp, "\(key) is not honoured: twip reads \(kind)s from files")
                }
            }
            let sources = [object.file != nil, object.environment != nil, object.external, object.content != nil]
            if sources.filter({ $0 }).count != 1 {
                context.report(
                    pair.value, p,
                    "the \(kind) needs exactly one of \"file\", \"environment\", \(kind == "config" ? "\"content\", " : "")or \"external\""
                )
                continue
            }
            result.append(object)
        }
        return result
    }
}

/// The long mount syntax's per-type options.
extension StackDecoder {
    /// `bind:` options; returns the propagation mode.
    func decodeBindOptions(_ node: Node, _ path: String) -> String? {
        guard let entries = context.entries(node, path, known: ["propagation", "create_host_path", "selinux"]) else {
            return nil
        }
        var propagation: String?
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "propagation":
                guard let text = context.string(value, p) else { continue }
                if Mount.propagationModes.contains(text) {
                    propagation = text
                } else {
                    context.report(
                        value, p,
                        "invalid propagation \"\(text)\": expected \(Mount.propagationModes.joined(separator: ", "))")
                }
            case "create_host_path": _ = context.bool(value, p)
            default: _ = context.string(value, p)
            }
        }
        return propagation
    }

    /// `volume:` (`nocopy`) and `tmpfs:` (`size`, `mode`) options: checked, and named in a warning when they ask
    /// for something other than the default, since the mount is created without them.
    func decodeMountOptions(_ kind: String, _ node: Node, _ path: String) {
        let known = kind == "volume" ? ["nocopy", "subpath"] : ["size", "mode"]
        for (key, value, _) in context.entries(node, path, known: known) ?? [] {
            let p = joinPath(path, key)
            switch key {
            case "nocopy": if context.bool(value, p) == true { context.warn(value, p, "nocopy is not honoured") }
            case "size": if context.size(value, p) != nil { context.warn(value, p, "tmpfs size is not honoured") }
            default: if context.string(value, p) != nil { context.warn(value, p, "\(key) is not honoured") }
            }
        }
    }
}
