public import DockerEngine
import Foundation
public import TwipStack

/// Turns a service of the stack into the engine's create body for one of its replicas.
public struct ReplicaBlueprint: Sendable {
    public var stack: Stack
    public var names: EnvironmentNames
    /// Variables for `environment` entries written without a value (`- FOO`), as compose takes them.
    public var processEnvironment: [String: String]

    public init(stack: Stack, names: EnvironmentNames, processEnvironment: [String: String] = [:]) {
        self.stack = stack
        self.names = names
        self.processEnvironment = processEnvironment
    }

    /// The networks (engine names) a service's replicas join, with their aliases there.
    public func networks(for service: Service) -> [(name: String, aliases: [String])] {
        // Legacy links become aliases of the linked service, visible on the shared network.
        let linkAliases = stack.services.flatMap(\.links).filter { $0.service == service.name }.compactMap(\.alias)
        let base = [service.name] + linkAliases
        if service.networks.isEmpty {
            return [(names.network("default"), unique(base))]
        }
        return service.networks.map { (names.network($0.name), unique(base + $0.aliases)) }
    }

    /// The create body of replica `replica` of `service`.
    public func containerConfig(for service: Service, replica: Int) -> ContainerConfig {
        let containerName = names.container(service: service.name, replica: replica)
        var config = ContainerConfig(image: names.imageReference(for: service))
        config.cmd = service.command
        config.entrypoint = service.entrypoint
        config.env = service.resolvingEnvironment(processEnvironment).environment.map { "\($0.name)=\($0.value ?? "")" }
        config.hostname = service.hostname ?? containerName
        config.workingDir = service.workingDir
        config.user = service.user
        config.stopSignal = service.stopSignal
        config.stopTimeout = service.stopGracePeriod.map { Int($0.components.seconds) }
        config.labels = service.labels.merging(
            [
                TwipLabel.environment: names.environment,
                TwipLabel.service: service.name,
                TwipLabel.replica: String(replica),
                TwipLabel.configHash: service.configHash(resolving: processEnvironment),
            ], uniquingKeysWith: { _, twip in twip })
        config.healthcheck = service.healthcheck.map(Self.health)

        var exposed: [String: EmptyObject] = [:]
        var bindings: [String: [PortBinding]] = [:]
        for port in service.ports {
            let key = "\(port.target)/\(port.protocol)"
            exposed[key] = EmptyObject()
            bindings[key, default: []].append(
                PortBinding(hostIP: port.hostIP ?? "", hostPort: port.published.map(String.init) ?? ""))
        }
        for port in service.expose {
            exposed[port.contains("/") ? port : "\(port)/tcp"] = EmptyObject()
        }
        config.exposedPorts = exposed.isEmpty ? nil : exposed

        var host = HostConfig()
        host.portBindings = bindings.isEmpty ? nil : bindings
        var binds: [String] = []
        var mounts: [DockerEngine.Mount] = []
        var tmpfs: [String: String] = [:]
        for mount in service.volumes {
            let flags = [mount.readOnly ? "ro" : nil, mount.propagation].compactMap { $0 }
            let mode = flags.isEmpty ? "" : ":" + flags.joined(separator: ",")
            switch mount.type {
            case .bind:
                binds.append("\(mount.source ?? ""):\(mount.target)\(mode)")
            case .volume:
                if let source = mount.source {
                    binds.append("\(names.volume(source)):\(mount.target)\(mode)")
                } else {
                    mounts.append(
                        DockerEngine.Mount(type: "volume", source: nil, target: mount.target, readOnly: mount.readOnly))
                }
            case .tmpfs:
                tmpfs[mount.target] = ""
            }
        }
        for path in service.tmpfs { tmpfs[path] = "" }
        host.binds = binds.isEmpty ? nil : binds
        host.mounts = mounts.isEmpty ? nil : mounts
        host.tmpfs = tmpfs.isEmpty ? nil : tmpfs
        host.restartPolicy = service.restart.map(Self.restart)
        host.memory = service.deploy.limits.memory ?? service.memLimit
        host.nanoCpus = (service.deploy.limits.cpus ?? service.cpus).map { Int64(($0 * 1_000_000_000).rounded()) }
        host.readonlyRootfs = service.readOnly
        // No process in a replica gains privileges through setuid binaries or file capabilities.
        host.securityOpt = ["no-new-privileges"]
        let networks = networks(for: service)
        host.networkMode = networks.first?.name
        config.hostConfig = host
        config.networkingConfig = NetworkingConfig(
            endpointsConfig: Dictionary(
                networks.prefix(1).map {
                    (
                        $0.name,
                        EndpointConfig(aliases: $0.aliases, ipamConfig: fixedAddresses(for: service).first ?? nil)
                    )
                },
                uniquingKeysWith: { first, _ in first }))
        apply(service, to: &config)
        return config
    }

    /// The fixed addresses the service asks for on each of its networks, in the order of `networks(for:)`.
    public func fixedAddresses(for service: Service) -> [EndpointIPAMConfig?] {
        guard !service.networks.isEmpty else { return [nil] }
        return service.networks.map { network in
            network.ipv4Address == nil && network.ipv6Address == nil
                ? nil : EndpointIPAMConfig(ipv4Address: network.ipv4Address, ipv6Address: network.ipv6Address)
        }
    }

    static func health(_ check: Healthcheck) -> HealthConfig {
        if check.disable { return HealthConfig(test: ["NONE"]) }
        var health = HealthConfig(
            test: check.test.isEmpty ? nil : check.test,
            interval: check.interval.map(nanoseconds),
            timeout: check.timeout.map(nanoseconds),
            retries: check.retries,
            startPeriod: check.startPeriod.map(nanoseconds))
        health.startInterval = check.startInterval.map(nanoseconds)
        return health
    }

    static func restart(_ policy: TwipStack.RestartPolicy) -> DockerEngine.RestartPolicy {
        switch policy {
        case .no: DockerEngine.RestartPolicy(name: "no")
        case .always: DockerEngine.RestartPolicy(name: "always")
        case .unlessStopped: DockerEngine.RestartPolicy(name: "unless-stopped")
        case .onFailure(let retries): DockerEngine.RestartPolicy(name: "on-failure", maximumRetryCount: retries)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

extension ReplicaBlueprint {
    /// The holder of a handing-over proxy: owns the network namespace (the service's networks and aliases) and the
    /// published ports, runs a shell that only sleeps, and is never replaced; each proxy generation joins it.
    public func holderConfig(for service: Service, image: String) -> ContainerConfig {
        let replica = containerConfig(for: service, replica: 1)
        var config = ContainerConfig(image: image)
        config.cmd = ["busybox", "sh", "-c", "trap 'exit 0' TERM INT; while :; do busybox sleep 3600 & wait $!; done"]
        config.entrypoint = []
        // The image's stop signal is its proxy's (SIGUSR1 for HAProxy, SIGQUIT for nginx), which the holder's shell
        // as PID 1 ignores: it would wait out the whole stop timeout.
        config.stopSignal = "SIGTERM"
        config.hostname = names.holder(service: service.name)
        config.exposedPorts = replica.exposedPorts
        config.healthcheck = HealthConfig(test: ["NONE"])
        config.labels = [
            TwipLabel.environment: names.environment, TwipLabel.service: service.name, TwipLabel.role: "holder",
        ]
        var host = HostConfig()
        host.portBindings = replica.hostConfig?.portBindings
        host.networkMode = replica.hostConfig?.networkMode
        host.restartPolicy = DockerEngine.RestartPolicy(name: "unless-stopped")
        // A connection queued on a listener that closes moves to another listener of the same port.
        host.sysctls = ["net.ipv4.tcp_migrate_req": "1"]
        host.securityOpt = ["no-new-privileges"]
        config.hostConfig = host
        config.networkingConfig = replica.networkingConfig
        return config
    }

    /// One generation of a handing-over proxy: the replica's body in the holder's network namespace, with its own
    /// loopback port (HAProxy's runtime API, nginx's readiness server). An HAProxy generation also gets its handover
    /// socket on the shared volume and takes the listeners of `previous` (a socket path) when there is one; an nginx
    /// generation listens beside the previous one (`reuseport`) and needs neither.
    public func generationConfig(
        for service: Service, kind: ProxyKind, replica: Int, holderID: String, socket: String, runtimePort: Int,
        previous: String?
    ) -> ContainerConfig {
        var config = containerConfig(for: service, replica: replica)
        // The engine refuses these beside `container:` networking: the holder has them.
        config.exposedPorts = nil
        config.hostname = nil
        config.networkingConfig = nil
        config.hostConfig?.portBindings = nil
        config.hostConfig?.networkMode = "container:\(holderID)"
        if kind == .haproxy {
            let mounts = config.hostConfig?.mounts ?? []
            config.hostConfig?.mounts =
                mounts + [
                    DockerEngine.Mount(
                        type: "volume", source: names.handoverVolume(service: service.name), target: "/run/twip-proxy")
                ]
            config.env =
                (config.env ?? [])
                + ["TWIP_HANDOVER_SOCKET=\(socket)", "TWIP_RUNTIME_PORT=\(runtimePort)"]
                + (previous.map { ["TWIP_PREVIOUS_SOCKET=\($0)"] } ?? [])
        }
        config.labels?[TwipLabel.runtime] = "127.0.0.1:\(runtimePort)"
        // Soft-stopping HAProxy lets in-flight requests finish (hard-stop-after bounds them); nginx's graceful stop
        // (SIGQUIT) likewise.
        config.stopTimeout = 40
        return config
    }
}
