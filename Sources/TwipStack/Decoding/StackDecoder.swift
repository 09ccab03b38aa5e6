import TwipYAML

/// Turns an interpolated node tree into a `Stack`, reporting every problem it finds along the way.
final class StackDecoder {
    let context: DecodingContext
    /// Reads an env file: its variables in order, or the reason it could not be read.
    let readEnvFile: (String) -> Result<[(String, String)], FileReadError>

    /// Where each service's cross-references were written, for the checks that need the whole stack.
    struct Site {
        var keyNode: Node
        var node: Node
        var edges: [(target: String, node: Node, path: String, kind: String)] = []
        var networks: [(name: String, node: Node, path: String)] = []
        var namedVolumes: [(name: String, node: Node, path: String)] = []
        var containerName: Node?
        var fixedPorts: [(mapping: PortMapping, node: Node, path: String)] = []
        var proxyBackends: [(service: String, node: Node, path: String)] = []
    }

    private var sites: [String: Site] = [:]
    /// Where services named a secret, a config or another service in `network_mode`/`volumes_from`.
    var namedObjects: [(kind: String, name: String, node: Node, path: String)] = []
    /// Service names in file order, for the whole-stack checks.
    private var siteOrder: [String] = []

    static let topLevelKeys = ["version", "name", "services", "networks", "volumes", "secrets", "configs"]
    static let serviceKeys =
        [
            "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes",
            "networks", "depends_on", "healthcheck", "restart", "deploy", "labels", "hostname", "container_name",
            "links", "working_dir", "user", "mem_limit", "cpus", "stop_grace_period", "stop_signal", "read_only",
            "tmpfs", "scale",
        ] + optionKeys

    init(context: DecodingContext, readEnvFile: @escaping (String) -> Result<[(String, String)], FileReadError>) {
        self.context = context
        self.readEnvFile = readEnvFile
    }

    /// Decodes the document root; returns nil when the problems leave nothing usable.
    func decode(_ root: Node, defaultName: String, filePath: String) -> Stack? {
        var stack = Stack(name: defaultName, filePath: filePath, directory: context.directory)
        guard let entries = context.entries(root, "", known: Self.topLevelKeys) else { return nil }
        stack.extensions = context.extensions(root)
        decodeTwipExtension(root, into: &stack)
        var servicesNode: Node?
        for (key, value, _) in entries {
            switch key {
            case "version":
                _ = context.string(value, key)
            case "name":
                guard let name = context.string(value, key) else { continue }
                if Self.isValidProjectName(name) {
                    stack.name = name
                } else {
                    context.report(
                        value, key, "invalid stack name \"\(name)\": use lowercase letters, digits, '-' and '_'")
                }
            case "services":
                servicesNode = value
            case "networks":
                stack.networks = decodeNetworks(value, key)
            case "volumes":
                stack.volumes = decodeVolumes(value, key)
            case "secrets":
                stack.secrets = decodeFileObjects(value, key, kind: "secret")
            case "configs":
                stack.configs = decodeFileObjects(value, key, kind: "config")
            default:
                break
            }
        }
        if let servicesNode, case .mapping(let pairs) = servicesNode.content {
            for pair in pairs {
                guard let name = pair.key.stackScalarText else {
                    context.report(pair.key, "services", "service names must be strings")
                    continue
                }
                let path = joinPath("services", name)
                if !Self.isValidServiceName(name) {
                    context.report(
                        pair.key, path,
                        "invalid service name \"\(name)\": use letters, digits, '_', '.' and '-', starting with a letter or digit"
                    )
                }
                if let service = decodeService(name, keyNode: pair.key, node: pair.value, path: path) {
                    stack.services.append(service)
                }
            }
        } else if let servicesNode {
            context.typeMismatch(servicesNode, "services", expected: "a mapping")
        }
        checkReferences(stack)
        return stack
    }

    static func isValidServiceName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "_.-".unicodeScalars.contains($0) }
    }

    static func isValidProjectName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIIAlphanumeric, !first.isUppercaseASCII else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            ($0.isASCIIAlphanumeric && !$0.isUppercaseASCII) || "_-".unicodeScalars.contains($0)
        }
    }

    // MARK: - Services

    private func decodeService(_ name: String, keyNode: Node, node: Node, path: String) -> Service? {
        guard let entries = context.entries(node, path, known: Self.serviceKeys) else { return nil }
        var service = Service(name: name)
        service.extensions = context.extensions(node)
        var site = Site(keyNode: keyNode, node: node)
        var explicitEnvironment: [EnvironmentVariable] = []
        var fileEnvironment: [EnvironmentVariable] = []
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "image":
                service.image = context.string(value, p)
                if let image = service.image, let problem = ImageReference.problem(image) {
                    context.report(
                        value, p, "invalid image reference \"\(DecodingContext.excerpt(image))\": \(problem)")
                }
            case "build": service.build = decodeBuild(value, p)
            case "command": service.command = context.command(value, p)
            case "entrypoint": service.entrypoint = context.command(value, p)
            case "environment":
                explicitEnvironment = (context.keyValues(value, p) ?? []).map {
                    EnvironmentVariable(name: $0.key, value: $0.value ?? context.variables[$0.key])
                }
            case "env_file":
                (service.envFile, fileEnvironment) = decodeEnvFiles(value, p)
            case "ports":
                service.portMappings = decodePorts(value, p, site: &site)
            case "expose":
                service.exposedPorts = decodeExpose(value, p)
            case "volumes":
                service.volumes = decodeMounts(value, p, site: &site)
            case "networks":
                service.networks = decodeServiceNetworks(value, p, site: &site)
            case "depends_on":
                service.dependsOn = decodeDependencies(value, p, site: &site)
            case "healthcheck": service.healthcheck = decodeHealthcheck(value, p)
            case "restart":
                guard let text = context.string(value, p) else { continue }
                service.restart = ValueParsers.restart(text)
                if service.restart == nil {
                    context.report(
                        value, p,
                        "invalid restart policy \"\(text)\": expected no, always, unless-stopped, on-failure or on-failure:N"
                    )
                }
            case "deploy":
                if let deploy = decodeDeploy(value, p) { service.deploy = deploy }
            case "scale":
                if let n = context.int(value, p, maximum: Service.maxReplicas) { service.deploy.replicas = n }
            case "labels": service.labels = context.stringMap(value, p) ?? [:]
            case "hostname":
                service.hostname = context.string(value, p)
                if let hostname = service.hostname, let problem = HostAddress.hostnameProblem(hostname) {
                    context.report(value, p, "invalid hostname \"\(DecodingContext.excerpt(hostname))\": \(problem)")
                }
            case "container_name":
                service.containerName = context.string(value, p)
                site.containerName = value
                if let containerName = service.containerName, !Self.isValidContainerName(containerName) {
                    context.report(
                        value, p,
                        "invalid container_name \"\(DecodingContext.excerpt(containerName))\": use letters, digits, '_', '.' and '-', starting with a letter or digit"
                    )
                }
            case "links": service.links = decodeLinks(value, p, site: &site)
            case "working_dir": service.workingDir = context.string(value, p)
            case "user": service.user = context.string(value, p)
            case "mem_limit": service.memLimit = context.size(value, p)
            case "cpus": service.cpus = context.cpus(value, p)
            case "stop_grace_period": service.stopGracePeriod = context.duration(value, p)
            case "stop_signal":
                service.stopSignal = context.string(value, p)
                if let signal = service.stopSignal, !SignalName.isValid(signal) {
                    context.report(
                        value, p,
                        "invalid stop_signal \"\(DecodingContext.excerpt(signal))\": expected a signal name such as SIGTERM, TERM or SIGQUIT, or a number from 1 to 64"
                    )
                }
            case "read_only": service.readOnly = context.bool(value, p)
            case "tmpfs": service.tmpfs = context.stringList(value, p, allowString: true) ?? []
            default: decodeOption(key, value, p, into: &service)
            }
        }
        // `- A=1` then `- A=2`: the later one wins, as with env files, so every name appears once.
        explicitEnvironment = Self.lastOfEachName(explicitEnvironment)
        let explicitNames = Set(explicitEnvironment.map(\.name))
        service.environment = fileEnvironment.filter { !explicitNames.contains($0.name) } + explicitEnvironment
        if service.options.networkMode != nil, !service.networks.isEmpty, let networksNode = node["networks"] {
            context.report(
                networksNode, joinPath(path, "networks"),
                "\"networks\" cannot be combined with \"network_mode\": the container uses another's network stack")
        }
        if service.image == nil && service.build == nil {
            context.report(node, path, "service \"\(name)\" has neither \"image\" nor \"build\"")
        }
        // The rule is Service.singleReplicaReason; the decoder only says where the stack breaks it.
        if service.replicas > 1, service.singleReplicaReason != nil {
            if let nameNode = site.containerName, let containerName = service.containerName {
                context.report(
                    nameNode, joinPath(path, "container_name"),
                    "container_name \"\(containerName)\" cannot be used with \(service.replicas) replicas: container names are unique; remove it"
                )
            }
            var reportedPaths: Set<String> = []
            for fixed in site.fixedPorts where reportedPaths.insert(fixed.path).inserted {
                context.report(
                    fixed.node, fixed.path,
                    "host port \(Self.describe(fixed.mapping.published ?? 0...0)) cannot be published by \(service.replicas) replicas (only one container can bind it); publish it through the proxy instead, or leave the host port out"
                )
            }
        }
        if let proxyNode = node[ProxyDeclaration.extensionKey] {
            service.proxy = decodeProxy(proxyNode, joinPath(path, ProxyDeclaration.extensionKey), site: &site)
        }
        if sites[name] == nil { siteOrder.append(name) }
        sites[name] = site
        return service
    }

    private func decodeBuild(_ node: Node, _ path: String) -> Build? {
        if let text = node.stackScalarText {
            return Build(context: context.resolvePath(text))
        }
        guard
            let entries = context.entries(
                node, path, known: ["context", "dockerfile", "args", "target", "labels", "cache_from", "network"])
        else { return nil }
        var build = Build(context: context.resolvePath("."))
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "context": if let text = context.string(value, p) { build.context = context.resolvePath(text) }
            case "dockerfile": build.dockerfile = context.string(value, p)
            case "args":
                for pair in context.keyValues(value, p) ?? [] {
                    if let argument = pair.value ?? context.variables[pair.key] { build.args[pair.key] = argument }
                }
            case "target": build.target = context.string(value, p)
            case "labels": build.labels = context.stringMap(value, p) ?? [:]
            case "cache_from": build.cacheFrom = context.stringList(value, p) ?? []
            case "network": build.network = context.string(value, p)
            default: break
            }
        }
        return build
    }

    private func decodeEnvFiles(_ node: Node, _ path: String) -> ([String], [EnvironmentVariable]) {
        var items: [(Node, String, String, Bool)] = []
        if node.stackScalarText != nil {
            if let text = context.string(node, path) { items.append((node, path, text, true)) }
        } else if case .sequence(let list) = node.content {
            for (index, item) in list.enumerated() {
                let p = "\(path)[\(index)]"
                if item.stackScalarText != nil {
                    if let text = context.string(item, p) { items.append((item, p, text, true)) }
                } else if let entries = context.entries(item, p, known: ["path", "required"]) {
                    var file: String?
                    var required = true
                    for (key, value, _) in entries {
                        if key == "path" { file = context.string(value, joinPath(p, key)) }
                        if key == "required" { required = context.bool(value, joinPath(p, key)) ?? true }
                    }
                    if let file { items.append((item, p, file, required)) }
                }
            }
        } else {
            context.typeMismatch(node, path, expected: "a string or a list")
        }
        var paths: [String] = []
        var variables: [EnvironmentVariable] = []
        for (itemNode, itemPath, file, required) in items {
            let resolved = context.resolvePath(file)
            switch readEnvFile(resolved) {
            case .success(let pairs):
                // Only the files read are kept: an optional one that is missing added nothing.
                paths.append(resolved)
                variables += pairs.map { EnvironmentVariable(name: $0.0, value: $0.1) }
            case .failure(let error):
                if required || !error.isMissing {
                    context.report(itemNode, itemPath, "cannot read env file \(resolved): \(error.message)")
                }
            }
        }
        return (paths, Self.lastOfEachName(variables))
    }

    private func decodePorts(_ node: Node, _ path: String, site: inout Site) -> [PortMapping] {
        guard case .sequence(let items) = node.content else {
            context.typeMismatch(node, path, expected: "a list")
            return []
        }
        var mappings: [PortMapping] = []
        var total = 0
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            var decoded: PortMapping?
            if let text = item.stackScalarText {
                switch PortSyntax.parse(text) {
                case .success(let mapping): decoded = mapping
                case .failure(let error):
                    context.report(item, p, "invalid port \"\(DecodingContext.excerpt(text))\": \(error.message)")
                }
            } else {
                decoded = decodeLongPort(item, p)
            }
            guard let mapping = decoded else { continue }
            total += mapping.target.count
            guard total <= Service.maxPorts else {
                context.report(
                    item, p,
                    "the service's ports stand for more than \(Service.maxPorts) ports once ranges are counted")
                break
            }
            if mapping.published != nil { site.fixedPorts.append((mapping, item, p)) }
            mappings.append(mapping)
        }
        return mappings
    }

    private func decodeLongPort(_ node: Node, _ path: String) -> PortMapping? {
        guard
            let entries = context.entries(
                node, path, known: ["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"])
        else { return nil }
        var port = PortMapping(target: 0...0)
        var publishedNode = node
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "target", "published":
                guard let text = context.string(value, p) else { continue }
                guard let range = PortSyntax.range(text) else {
                    context.report(
                        value, p,
                        "invalid port \"\(text)\": expected a number from 1 to 65535 or a range like 8000-8001")
                    continue
                }
                if key == "target" {
                    port.target = range
                } else {
                    port.published = range
                    publishedNode = value
                }
            case "host_ip":
                port.hostIP = context.string(value, p)
                if let address = port.hostIP, !HostAddress.isIP(address) {
                    context.report(
                        value, p,
                        "invalid host_ip \"\(DecodingContext.excerpt(address))\": expected an IPv4 or IPv6 address")
                    port.hostIP = nil
                }
            case "protocol":
                guard let text = context.string(value, p) else { continue }
                if ["tcp", "udp", "sctp"].contains(text) {
                    port.protocol = text
                } else {
                    context.report(value, p, "invalid protocol \"\(text)\": expected tcp, udp or sctp")
                }
            case "mode":
                guard let text = context.string(value, p) else { continue }
                if ["host", "ingress"].contains(text) {
                    port.mode = text
                } else {
                    context.report(value, p, "invalid mode \"\(text)\": expected host or ingress")
                }
            default: break
            }
        }
        guard port.target != 0...0 else {
            context.report(node, path, "the port has no \"target\" (the container port)")
            return nil
        }
        if let published = port.published, published.count != port.target.count {
            context.report(
                publishedNode, joinPath(path, "published"),
                "the host and container port ranges must have the same length")
            return nil
        }
        return port
    }

    private func decodeExpose(_ node: Node, _ path: String) -> [ExposedPorts] {
        guard case .sequence(let items) = node.content else {
            context.typeMismatch(node, path, expected: "a list")
            return []
        }
        var result: [ExposedPorts] = []
        var total = 0
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            guard let text = context.string(item, p) else { continue }
            guard let exposed = ExposedPorts(parsing: text) else {
                context.report(
                    item, p, "invalid port \"\(DecodingContext.excerpt(text))\": expected PORT[-PORT][/tcp|udp|sctp]")
                continue
            }
            total += exposed.ports.count
            guard total <= Service.maxPorts else {
                context.report(
                    item, p, "the service exposes more than \(Service.maxPorts) ports once ranges are counted")
                break
            }
            result.append(exposed)
        }
        return result
    }

    private func decodeMounts(_ node: Node, _ path: String, site: inout Site) -> [Mount] {
        guard case .sequence(let items) = node.content else {
            context.typeMismatch(node, path, expected: "a list")
            return []
        }
        var mounts: [Mount] = []
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            var mount: Mount?
            if let text = item.stackScalarText {
                switch VolumeSyntax.parse(text) {
                case .success(let m): mount = m
                case .failure(let error): context.report(item, p, "invalid volume \"\(text)\": \(error.message)")
                }
            } else {
                mount = decodeLongMount(item, p)
            }
            guard var mount else { continue }
            if mount.type == .bind, let source = mount.source { mount.source = context.resolvePath(source) }
            // `/data/` and `/data` are one container path; compose writes it without the slash.
            while mount.target.count > 1 && mount.target.hasSuffix("/") { mount.target.removeLast() }
            if mount.type == .volume, let source = mount.source { site.namedVolumes.append((source, item, p)) }
            mounts.append(mount)
        }
        return mounts
    }

    private func decodeLongMount(_ node: Node, _ path: String) -> Mount? {
        let known = ["type", "source", "target", "read_only", "bind", "volume", "tmpfs", "consistency"]
        guard let entries = context.entries(node, path, known: known) else { return nil }
        var propagation: String?
        var kind: Mount.Kind = .volume
        var source: String?
        var target: String?
        var readOnly = false
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "type":
                guard let text = context.string(value, p) else { continue }
                if let k = Mount.Kind(rawValue: text) {
                    kind = k
                } else {
                    context.report(value, p, "invalid mount type \"\(text)\": expected bind, volume or tmpfs")
                }
            case "source": source = context.string(value, p)
            case "target": target = context.string(value, p)
            case "read_only": readOnly = context.bool(value, p) ?? false
            case "bind": propagation = decodeBindOptions(value, p)
            case "volume", "tmpfs": decodeMountOptions(key, value, p)
            default: break
            }
        }
        guard let target, target.hasPrefix("/") else {
            context.report(node, path, "the mount needs an absolute \"target\" path in the container")
            return nil
        }
        if kind == .bind && source == nil {
            context.report(node, path, "a bind mount needs a \"source\" path on the host")
            return nil
        }
        var mount = Mount(type: kind, source: kind == .tmpfs ? nil : source, target: target, readOnly: readOnly)
        mount.propagation = kind == .bind ? propagation : nil
        return mount
    }

    private func decodeServiceNetworks(_ node: Node, _ path: String, site: inout Site) -> [ServiceNetwork] {
        var result: [ServiceNetwork] = []
        switch node.content {
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                let p = "\(path)[\(index)]"
                if let name = context.string(item, p) {
                    result.append(ServiceNetwork(name: name))
                    site.networks.append((name, item, p))
                }
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = pair.key.stackScalarText else { continue }
                let p = joinPath(path, name)
                var network = ServiceNetwork(name: name)
                let known = ["aliases", "ipv4_address", "ipv6_address", "priority", "link_local_ips"]
                if !pair.value.stackIsNull, let entries = context.entries(pair.value, p, known: known) {
                    for (key, value, _) in entries where key != "aliases" {
                        decodeAttachmentOption(key, value, joinPath(p, key), into: &network)
                    }
                    for (_, value, _) in entries.filter({ $0.key == "aliases" }) {
                        let aliasesPath = joinPath(p, "aliases")
                        network.aliases = context.stringList(value, aliasesPath) ?? []
                        for (index, alias) in network.aliases.enumerated() {
                            if let problem = HostAddress.hostnameProblem(alias) {
                                let item = value.sequence?[index] ?? value
                                context.report(
                                    item, "\(aliasesPath)[\(index)]",
                                    "invalid alias \"\(DecodingContext.excerpt(alias))\": \(problem)")
                            }
                        }
                    }
                }
                result.append(network)
                site.networks.append((name, pair.key, p))
            }
        case .scalar:
            context.typeMismatch(node, path, expected: "a list or a mapping")
        }
        return result
    }

    private func decodeDependencies(_ node: Node, _ path: String, site: inout Site) -> [Dependency] {
        var result: [Dependency] = []
        switch node.content {
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                let p = "\(path)[\(index)]"
                // A name listed twice is one dependency (the mapping form could not even say it twice).
                if let name = context.string(item, p), !result.contains(where: { $0.service == name }) {
                    result.append(Dependency(service: name))
                    site.edges.append((name, item, p, "depends_on"))
                }
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = pair.key.stackScalarText else { continue }
                let p = joinPath(path, name)
                var dependency = Dependency(service: name)
                if !pair.value.stackIsNull,
                    let entries = context.entries(pair.value, p, known: ["condition", "restart", "required"])
                {
                    for (key, value, _) in entries where key != "condition" {
                        if key == "required" { dependency.required = context.bool(value, joinPath(p, key)) ?? true }
                        if key == "restart", context.bool(value, joinPath(p, key)) == true {
                            context.warn(
                                value, joinPath(p, key),
                                "restart is not honoured: a dependency's restart does not restart this service")
                        }
                    }
                    for (_, value, _) in entries.filter({ $0.key == "condition" }) {
                        let cp = joinPath(p, "condition")
                        guard let text = context.string(value, cp) else { continue }
                        if let condition = Dependency.Condition(rawValue: text) {
                            dependency.condition = condition
                        } else {
                            context.report(
                                value, cp,
                                "invalid condition \"\(text)\": expected service_started, service_healthy or service_completed_successfully"
                            )
                        }
                    }
                }
                result.append(dependency)
                site.edges.append((name, pair.key, p, "depends_on"))
            }
        case .scalar:
            context.typeMismatch(node, path, expected: "a list or a mapping")
        }
        return result
    }

    private func decodeLinks(_ node: Node, _ path: String, site: inout Site) -> [Link] {
        guard case .sequence(let items) = node.content else {
            context.typeMismatch(node, path, expected: "a list")
            return []
        }
        var links: [Link] = []
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            guard let text = context.string(item, p) else { continue }
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                context.report(item, p, "invalid link \"\(text)\": expected SERVICE or SERVICE:ALIAS")
                continue
            }
            links.append(Link(service: parts[0], alias: parts.count > 1 ? parts[1] : nil))
            site.edges.append((parts[0], item, p, "links"))
        }
        return links
    }

    private func decodeHealthcheck(_ node: Node, _ path: String) -> Healthcheck? {
        let known = ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"]
        guard let entries = context.entries(node, path, known: known) else { return nil }
        var check = Healthcheck()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "test":
                if let text = value.stackScalarText {
                    check.test = ["CMD-SHELL", text]
                    if text.trimmingSpaces.isEmpty { context.report(value, p, "the health check command is empty") }
                } else if let list = context.stringList(value, p) {
                    if let problem = Self.healthTestProblem(list) { context.report(value, p, problem) }
                    check.test = list
                }
            case "interval": check.interval = context.duration(value, p, minimumNonZero: .milliseconds(1))
            case "timeout": check.timeout = context.duration(value, p, minimumNonZero: .milliseconds(1))
            case "start_period": check.startPeriod = context.duration(value, p, minimumNonZero: .milliseconds(1))
            case "start_interval":
                check.startInterval = context.duration(value, p, minimumNonZero: .milliseconds(1))
            case "retries": check.retries = context.int(value, p)
            case "disable": check.disable = context.bool(value, p) ?? false
            default: break
            }
        }
        return check
    }

    /// Each name once, with its last value, in the order of the last occurrences (linear time).
    static func lastOfEachName(_ variables: [EnvironmentVariable]) -> [EnvironmentVariable] {
        var last: [String: Int] = [:]
        for (index, variable) in variables.enumerated() { last[variable.name] = index }
        return variables.enumerated().filter { last[$0.element.name] == $0.offset }.map(\.element)
    }

    /// What is wrong with a health check's test list, the way the engine would refuse it; nil when it is fine.
    static func healthTestProblem(_ list: [String]) -> String? {
        guard let first = list.first else { return nil }
        let rest = list.dropFirst()
        switch first {
        case "CMD", "CMD-SHELL":
            if rest.isEmpty || rest.first?.trimmingSpaces.isEmpty == true {
                return "\"\(first)\" must be followed by the command to run"
            }
        case "NONE":
            if !rest.isEmpty { return "\"NONE\" disables the health check and takes nothing after it" }
        default:
            return "a test list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\", not \"\(first)\""
        }
        return nil
    }

    private func decodeDeploy(_ node: Node, _ path: String) -> Deploy? {
        let known = ["replicas", "resources", "update_config"] + Self.swarmDeployKeys
        guard let entries = context.entries(node, path, known: known) else { return nil }
        var deploy = Deploy()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "replicas":
                if let n = context.int(value, p, maximum: Service.maxReplicas) { deploy.replicas = n }
            case "resources":
                guard let resources = context.entries(value, p, known: ["limits", "reservations"]) else { continue }
                for (kind, amounts, _) in resources {
                    let r = decodeResources(amounts, joinPath(p, kind))
                    if kind == "limits" { deploy.limits = r } else { deploy.reservations = r }
                }
            case "update_config":
                deploy.updateConfig = decodeUpdateConfig(value, p)
            case "rollback_config":
                deploy.swarm.rollbackConfig = decodeUpdateConfig(value, p)
            default:
                decodeSwarmDeploy(key, value, p, into: &deploy)
            }
        }
        checkSwarmDeploy(deploy, node: node, path: path)
        return deploy
    }

    private func decodeResources(_ node: Node, _ path: String) -> Resources {
        var resources = Resources()
        for (key, value, _) in context.entries(node, path, known: ["cpus", "memory"]) ?? [] {
            let p = joinPath(path, key)
            if key == "cpus" { resources.cpus = context.cpus(value, p) }
            if key == "memory" { resources.memory = context.size(value, p) }
        }
        return resources
    }

    private func decodeUpdateConfig(_ node: Node, _ path: String) -> UpdateConfig? {
        let known = ["parallelism", "delay", "order", "failure_action", "monitor", "max_failure_ratio"]
        guard let entries = context.entries(node, path, known: known) else { return nil }
        var config = UpdateConfig()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "parallelism": config.parallelism = context.int(value, p, minimum: 0)
            case "delay": config.delay = context.duration(value, p)
            case "order":
                guard let text = context.string(value, p) else { continue }
                config.order = UpdateConfig.Order(rawValue: text)
                if config.order == nil {
                    context.report(value, p, "invalid order \"\(text)\": expected start-first or stop-first")
                }
            case "failure_action":
                guard let text = context.string(value, p) else { continue }
                config.failureAction = UpdateConfig.FailureAction(rawValue: text)
                if config.failureAction == nil {
                    context.report(value, p, "invalid failure_action \"\(text)\": expected pause, continue or rollback")
                }
            case "monitor": config.monitor = context.duration(value, p)
            case "max_failure_ratio":
                guard let text = context.string(value, p) else { continue }
                guard let ratio = Double(text), ratio.isFinite, (0...1).contains(ratio) else {
                    context.report(value, p, "invalid max_failure_ratio \"\(text)\": expected a number from 0 to 1")
                    continue
                }
                config.maxFailureRatio = ratio
            default: break
            }
        }
        return config
    }

    // MARK: - Top-level networks and volumes

    private func decodeNetworks(_ node: Node, _ path: String) -> [Network] {
        guard case .mapping(let pairs) = node.content else {
            context.typeMismatch(node, path, expected: "a mapping")
            return []
        }
        let known = [
            "driver", "external", "name", "internal", "labels", "driver_opts", "ipam", "attachable", "enable_ipv6",
        ]
        var result: [Network] = []
        for pair in pairs {
            guard let name = pair.key.stackScalarText else { continue }
            let p = joinPath(path, name)
            var network = Network(name: name, extensions: context.extensions(pair.value))
            if !pair.value.stackIsNull, let entries = context.entries(pair.value, p, known: known) {
                for (key, value, _) in entries {
                    let kp = joinPath(p, key)
                    switch key {
                    case "driver": network.driver = context.string(value, kp)
                    case "external": network.external = context.bool(value, kp) ?? false
                    case "name": network.externalName = context.string(value, kp)
                    case "internal": network.internal = context.bool(value, kp) ?? false
                    case "labels": network.labels = context.stringMap(value, kp) ?? [:]
                    case "driver_opts": network.driverOptions = context.stringMap(value, kp) ?? [:]
                    case "ipam": network.ipam = decodeIPAM(value, kp)
                    case "attachable": network.attachable = context.bool(value, kp) ?? false
                    case "enable_ipv6": network.enableIPv6 = context.bool(value, kp) ?? false
                    default: break
                    }
                }
            }
            result.append(network)
        }
        return result
    }

    private func decodeVolumes(_ node: Node, _ path: String) -> [Volume] {
        guard case .mapping(let pairs) = node.content else {
            context.typeMismatch(node, path, expected: "a mapping")
            return []
        }
        let known = ["driver", "external", "name", "labels", "driver_opts"]
        var result: [Volume] = []
        for pair in pairs {
            guard let name = pair.key.stackScalarText else { continue }
            let p = joinPath(path, name)
            var volume = Volume(name: name, extensions: context.extensions(pair.value))
            if !pair.value.stackIsNull, let entries = context.entries(pair.value, p, known: known) {
                for (key, value, _) in entries {
                    let kp = joinPath(p, key)
                    switch key {
                    case "driver": volume.driver = context.string(value, kp)
                    case "external": volume.external = context.bool(value, kp) ?? false
                    case "name": volume.externalName = context.string(value, kp)
                    case "labels": volume.labels = context.stringMap(value, kp) ?? [:]
                    case "driver_opts": volume.driverOptions = context.stringMap(value, kp) ?? [:]
                    default: break
                    }
                }
            }
            result.append(volume)
        }
        return result
    }

    // MARK: - Whole-stack checks

    private func checkReferences(_ stack: Stack) {
        let serviceNames = Set(stack.services.map(\.name))
        let networkNames = Set(stack.networks.map(\.name) + ["default"])
        let volumeNames = Set(stack.volumes.map(\.name))
        var suggestions = Suggestions(candidates: stack.services.map(\.name))
        for service in stack.services {
            guard let site = sites[service.name] else { continue }
            for edge in site.edges where !serviceNames.contains(edge.target) {
                var message = "\(edge.kind) refers to undefined service \"\(edge.target)\""
                if let best = suggestions.closest(to: edge.target, excluding: service.name) {
                    message += "; did you mean \"\(best)\"?"
                }
                context.report(edge.node, edge.path, message)
            }
            for backend in site.proxyBackends where !serviceNames.contains(backend.service) {
                context.report(backend.node, backend.path, "no service named \"\(backend.service)\" in the stack")
            }
            for network in site.networks where !networkNames.contains(network.name) {
                context.report(
                    network.node, network.path,
                    "network \"\(network.name)\" is not declared under the top-level \"networks\"")
            }
            for volume in site.namedVolumes where !volumeNames.contains(volume.name) {
                context.report(
                    volume.node, volume.path,
                    "volume \"\(volume.name)\" is not declared under the top-level \"volumes\" (a host path must start with ., / or ~)"
                )
            }
        }
        let declared = [
            "secret": Set(stack.secrets.map(\.name)), "config": Set(stack.configs.map(\.name)),
            "service": serviceNames,
        ]
        for use in namedObjects where declared[use.kind]?.contains(use.name) == false {
            let place = use.kind == "service" ? "in the stack" : "under the top-level \"\(use.kind)s\""
            context.report(use.node, use.path, "\(use.kind) \"\(use.name)\" is not declared \(place)")
        }
        checkPublishedPorts(stack)
        checkCycles(stack)
    }

    /// The most dependency cycles reported; one is enough to fix, and a hostile file could hold very many.
    static let maxReportedCycles = 20

    /// Depth-first search over `depends_on` and `links` with an explicit stack, so a long chain of services
    /// cannot overflow the thread's stack.
    private func checkCycles(_ stack: Stack) {
        enum Color { case white, gray, black }
        typealias Edge = (target: String, node: Node, path: String, kind: String)
        var color: [String: Color] = [:]
        var reported: Set<String> = []
        // The gray path: each service on it with the index of its next edge to follow, and the edge that led to it.
        var trail: [(name: String, next: Int, via: Edge?)] = []
        var position: [String: Int] = [:]
        for root in stack.services.map(\.name) where (color[root] ?? .white) == .white {
            color[root] = .gray
            position[root] = 0
            trail.append((root, 0, nil))
            while let top = trail.last {
                let edges = sites[top.name]?.edges ?? []
                guard top.next < edges.count else {
                    trail.removeLast()
                    position[top.name] = nil
                    color[top.name] = .black
                    continue
                }
                trail[trail.count - 1].next += 1
                let edge = edges[top.next]
                guard sites[edge.target] != nil else { continue }
                switch color[edge.target] ?? .white {
                case .white:
                    color[edge.target] = .gray
                    position[edge.target] = trail.count
                    trail.append((edge.target, 0, edge))
                case .gray:
                    guard reported.count < Self.maxReportedCycles, let start = position[edge.target] else { continue }
                    let members = trail[start...].map(\.name)
                    let key = members.sorted().joined(separator: ",")
                    guard reported.insert(key).inserted else { continue }
                    let first = start + 1 < trail.count ? (trail[start + 1].via ?? edge) : edge
                    context.report(first.node, first.path, "dependency cycle: " + Self.describeCycle(members))
                case .black:
                    continue
                }
            }
        }
    }

    /// `a -> b -> a`, with the middle of a very long cycle left out.
    static func describeCycle(_ members: [String]) -> String {
        guard members.count > 12 else { return (members + [members[0]]).joined(separator: " -> ") }
        let shown = members.prefix(5) + ["... (\(members.count - 10) more)"] + members.suffix(5) + [members[0]]
        return shown.joined(separator: " -> ")
    }

    /// Two entries that bind the same host address, port and protocol: the engine would refuse the second one
    /// halfway through a deployment. Sorted by first port and swept, so the check stays near-linear.
    private func checkPublishedPorts(_ stack: Stack) {
        struct Bound {
            var ports: ClosedRange<Int>
            var address: String?
            var node: Node
            var path: String
        }
        var byProtocol: [String: [Bound]] = [:]
        for name in siteOrder {
            for fixed in sites[name]?.fixedPorts ?? [] {
                guard let published = fixed.mapping.published else { continue }
                let address = fixed.mapping.hostIP.flatMap { ["0.0.0.0", "::"].contains($0) ? nil : $0 }
                byProtocol[fixed.mapping.protocol, default: []].append(
                    Bound(ports: published, address: address, node: fixed.node, path: fixed.path))
            }
        }
        for (proto, bounds) in byProtocol.sorted(by: { $0.key < $1.key }) {
            // The entry reaching furthest so far, per address (nil: every address) and over all addresses.
            var furthest: [String?: Bound] = [:]
            var furthestAny: Bound?
            for bound in bounds.sorted(by: { $0.ports.lowerBound < $1.ports.lowerBound }) {
                let rivals: [Bound?] =
                    bound.address == nil ? [furthestAny] : [furthest[bound.address], furthest[nil]]
                if let rival = rivals.compactMap({ $0 }).first(where: { $0.ports.upperBound >= bound.ports.lowerBound })
                {
                    let (later, earlier) =
                        (rival.node.mark.line, rival.node.mark.column) > (bound.node.mark.line, bound.node.mark.column)
                        ? (rival, bound) : (bound, rival)
                    let port = max(bound.ports.lowerBound, rival.ports.lowerBound)
                    let address = later.address ?? earlier.address ?? "every address"
                    context.report(
                        later.node, later.path,
                        "host port \(port)/\(proto) on \(address) is already published by \(earlier.path) (line \(earlier.node.mark.line))"
                    )
                }
                if (furthest[bound.address]?.ports.upperBound ?? 0) < bound.ports.upperBound {
                    furthest[bound.address] = bound
                }
                if (furthestAny?.ports.upperBound ?? 0) < bound.ports.upperBound { furthestAny = bound }
            }
        }
    }

    static func describe(_ ports: ClosedRange<Int>) -> String {
        ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
    }

    static func isValidContainerName(_ name: String) -> Bool {
        guard name.utf8.count <= 255 else { return false }
        return isValidServiceName(name)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
    fileprivate var isUppercaseASCII: Bool { ("A"..."Z").contains(self) }
}
