public import DockerEngine
import Foundation
public import TwipStack

extension EnvironmentNames {
    /// `ENV_SERVICE`, the swarm service of one stack service (as `docker stack deploy` names it).
    public func swarmService(_ service: String) -> String {
        "\(environment)_\(service)"
    }
}

/// What a stack becomes on a swarm: one service spec per stack service and the overlay networks they join, plus a
/// warning for each key the swarm ignores.
public struct SwarmDeployment: Sendable, Equatable {
    public var services: [ServiceSpec]
    public var networks: [NetworkConfig]
    public var warnings: [String]
}

/// A stack that asks for what a swarm cannot do; one line per problem (exit 2, before any engine call).
public struct SwarmConversionError: OperatorFailure, Equatable, CustomStringConvertible {
    /// One problem: the key path it is about (`services.web.ports`) and what is wrong.
    public struct Problem: Sendable, Equatable {
        public var keyPath: [String]
        public var message: String
    }

    public var found: [Problem]
    public var problems: [String] { found.map { "\($0.keyPath.joined(separator: ".")): \($0.message)" } }
    public var kind: FailureKind { .usage }
    public var lines: [String] { problems }
    public var description: String { problems.joined(separator: "\n") }
}

/// Turns a stack into swarm service specs the way `docker stack deploy` converts a compose file: a pure function,
/// table-tested.
public struct SwarmBlueprint: Sendable {
    public var stack: Stack
    public var names: EnvironmentNames
    /// Variables for `environment` entries written without a value (`- FOO`), as compose takes them.
    public var processEnvironment: [String: String]

    public init(stack: Stack, names: EnvironmentNames, processEnvironment: [String: String] = [:]) {
        self.stack = stack
        self.names = names
        self.processEnvironment = processEnvironment
    }

    /// The labels every object of the environment carries.
    var ownership: [String: String] { [TwipLabel.environment: names.environment] }

    /// The whole deployment; throws every problem at once.
    public func deployment() throws(SwarmConversionError) -> SwarmDeployment {
        var problems: [SwarmConversionError.Problem] = []
        var warnings: [String] = []
        var services: [ServiceSpec] = []
        for service in stack.services {
            warnings += ignoredKeys(of: service).map { "service \(service.name): \($0) is ignored on a swarm" }
            problems += self.problems(of: service)
            services.append(spec(for: service))
        }
        var networks: [NetworkConfig] = []
        for name in usedNetworks() {
            let declared = stack.networks.first { $0.name == name }
            if declared?.external == true { continue }
            let driver = declared?.driver ?? "overlay"
            if driver != "overlay" {
                problems.append(
                    .init(
                        keyPath: ["networks", name, "driver"],
                        message: "driver \(driver) cannot carry swarm services across nodes; use overlay"))
            }
            var config = NetworkConfig(
                name: names.network(name), driver: driver,
                labels: (declared?.labels ?? [:]).merging(ownership) { _, twip in twip })
            config.declare(declared)
            config.attachable = true
            config.internal = declared?.internal == true ? true : nil
            networks.append(config)
        }
        if !problems.isEmpty { throw SwarmConversionError(found: problems) }
        return SwarmDeployment(services: services, networks: networks, warnings: warnings)
    }

    /// The service spec of one stack service.
    public func spec(for service: Service) -> ServiceSpec {
        let twip = [TwipLabel.environment: names.environment, TwipLabel.service: service.name]
        // As `docker stack deploy` does: `labels` go on the tasks' containers, `deploy.labels` on the service;
        // twip's own labels on both.
        let labels = service.labels.merging(twip) { _, twip in twip }

        var container = ContainerSpec(image: names.imageReference(for: service))
        container.labels = labels
        container.command = service.entrypoint
        container.args = service.command
        container.hostname = service.hostname
        container.env = service.resolvingEnvironment(processEnvironment).environment.map {
            "\($0.name)=\($0.value ?? "")"
        }
        container.dir = service.workingDir
        container.user = service.user
        container.stopSignal = service.stopSignal
        container.stopGracePeriod = service.stopGracePeriod.map(ReplicaBlueprint.nanoseconds)
        container.healthcheck = service.healthcheck.map(ReplicaBlueprint.health)
        container.readOnly = service.readOnly
        let mounts = mounts(for: service)
        container.mounts = mounts.isEmpty ? nil : mounts

        var task = TaskSpec(containerSpec: container)
        task.resources = resources(for: service)
        task.restartPolicy = restartPolicy(for: service)
        let swarm = service.deploy.swarm
        if !swarm.placementConstraints.isEmpty || swarm.maxReplicasPerNode != nil {
            task.placement = Placement(
                constraints: swarm.placementConstraints.isEmpty ? nil : swarm.placementConstraints,
                maxReplicas: swarm.maxReplicasPerNode.map(UInt64.init))
        }
        task.networks = networks(for: service).map { NetworkAttachment(target: $0.name, aliases: $0.aliases) }

        var spec = ServiceSpec(name: names.swarmService(service.name), taskTemplate: task)
        spec.labels = swarm.labels.merging(twip) { _, twip in twip }
        spec.mode =
            swarm.mode == .global
            ? ServiceMode(replicated: nil) : ServiceMode(replicated: .init(replicas: service.replicas))
        spec.updateConfig = service.deploy.updateConfig.map(Self.update)
        spec.rollbackConfig = swarm.rollbackConfig.map(Self.update)
        let ports = service.ports.map {
            ServicePort(
                protocol: $0.protocol, targetPort: $0.target, publishedPort: $0.published,
                publishMode: $0.mode ?? "ingress")
        }
        if swarm.endpointMode != nil || !ports.isEmpty {
            spec.endpointSpec = EndpointSpec(mode: swarm.endpointMode?.rawValue, ports: ports.isEmpty ? nil : ports)
        }
        return spec
    }

    /// The networks (engine names) a service's tasks join, with their aliases: the service's own name first, so
    /// that `tasks.NAME` and `NAME` resolve inside the stack as they do under compose.
    func networks(for service: Service) -> [(name: String, aliases: [String])] {
        if service.networks.isEmpty { return [(names.network("default"), [service.name])] }
        return service.networks.map { network in
            let target =
                stack.networks.first { $0.name == network.name && $0.external }
                .map { $0.externalName ?? $0.name } ?? names.network(network.name)
            var seen = Set<String>()
            return (target, ([service.name] + network.aliases).filter { seen.insert($0).inserted })
        }
    }

    /// The stack networks the services join, in first-use order.
    func usedNetworks() -> [String] {
        var seen = Set<String>()
        return stack.services.flatMap { $0.networks.isEmpty ? ["default"] : $0.networks.map(\.name) }
            .filter { seen.insert($0).inserted }
    }

    func mounts(for service: Service) -> [ServiceMount] {
        var mounts: [ServiceMount] = service.volumes.map { mount in
            switch mount.type {
            case .bind:
                return ServiceMount(
                    type: "bind", source: mount.source, target: mount.target, readOnly: mount.readOnly ? true : nil)
            case .volume:
                guard let source = mount.source else {
                    return ServiceMount(type: "volume", source: nil, target: mount.target)
                }
                let declared = stack.volumes.first { $0.name == source }
                if let declared, declared.external {
                    return ServiceMount(
                        type: "volume", source: declared.externalName ?? source, target: mount.target,
                        readOnly: mount.readOnly ? true : nil)
                }
                let driver = declared.flatMap { volume -> VolumeOptions.DriverConfig? in
                    guard volume.driver != nil || !volume.driverOptions.isEmpty else { return nil }
                    return .init(
                        name: volume.driver ?? "local",
                        options: volume.driverOptions.isEmpty ? nil : volume.driverOptions)
                }
                return ServiceMount(
                    type: "volume", source: names.volume(source), target: mount.target,
                    readOnly: mount.readOnly ? true : nil,
                    volumeOptions: VolumeOptions(
                        labels: (declared?.labels ?? [:]).merging(ownership) { _, twip in twip },
                        driverConfig: driver))
            case .tmpfs:
                return ServiceMount(type: "tmpfs", source: nil, target: mount.target)
            }
        }
        mounts += service.tmpfs.map { ServiceMount(type: "tmpfs", source: nil, target: $0) }
        return mounts
    }

    func resources(for service: Service) -> ResourceRequirements? {
        func amount(_ resources: TwipStack.Resources, cpus: Double? = nil, memory: Int64? = nil) -> TaskResources? {
            let nano = (resources.cpus ?? cpus).map { Int64(($0 * 1_000_000_000).rounded()) }
            let bytes = resources.memory ?? memory
            return nano == nil && bytes == nil ? nil : TaskResources(nanoCPUs: nano, memoryBytes: bytes)
        }
        let limits = amount(service.deploy.limits, cpus: service.cpus, memory: service.memLimit)
        let reservations = amount(service.deploy.reservations)
        return limits == nil && reservations == nil
            ? nil : ResourceRequirements(limits: limits, reservations: reservations)
    }

    /// `deploy.restart_policy`, else the service's `restart` translated as `docker stack deploy` does.
    func restartPolicy(for service: Service) -> SwarmRestartPolicy? {
        if let policy = service.deploy.swarm.restartPolicy {
            return SwarmRestartPolicy(
                condition: policy.condition?.rawValue, delay: policy.delay.map(ReplicaBlueprint.nanoseconds),
                maxAttempts: policy.maxAttempts.map(UInt64.init),
                window: policy.window.map(ReplicaBlueprint.nanoseconds))
        }
        switch service.restart {
        case nil: return nil
        case .no: return SwarmRestartPolicy(condition: "none")
        case .always, .unlessStopped: return SwarmRestartPolicy(condition: "any")
        case .onFailure(let retries):
            return SwarmRestartPolicy(condition: "on-failure", maxAttempts: retries.map(UInt64.init))
        }
    }

    static func update(_ config: UpdateConfig) -> ServiceUpdateConfig {
        ServiceUpdateConfig(
            parallelism: UInt64(config.parallelism ?? 1), delay: config.delay.map(ReplicaBlueprint.nanoseconds),
            failureAction: config.failureAction?.rawValue, monitor: config.monitor.map(ReplicaBlueprint.nanoseconds),
            maxFailureRatio: config.maxFailureRatio, order: config.order?.rawValue)
    }

    /// Keys a swarm does not act on, as the operator wrote them.
    func ignoredKeys(of service: Service) -> [String] {
        var keys: [String] = []
        if service.containerName != nil { keys.append("container_name") }
        if !service.dependsOn.isEmpty { keys.append("depends_on") }
        if !service.links.isEmpty { keys.append("links") }
        if !service.expose.isEmpty { keys.append("expose") }
        if service.options.platform != nil { keys.append("platform") }
        if service.restart != nil, service.deploy.swarm.restartPolicy != nil {
            keys.append("restart (deploy.restart_policy applies)")
        }
        if service.deploy.updateConfig?.order == .startFirst,
            service.ports.contains(where: { $0.mode == "host" && $0.published != nil })
        {
            // The new task cannot bind the host port while the old one holds it: the swarm places it on another
            // node, and on a single node the update waits forever.
            keys.append("update_config.order start-first with a host-mode published port (needs a free node)")
        }
        return keys
    }

    /// What a swarm cannot do for a service.
    func problems(of service: Service) -> [SwarmConversionError.Problem] {
        var problems: [SwarmConversionError.Problem] = []
        let path = ["services", service.name, "ports"]
        for port in service.ports {
            if let address = port.hostIP {
                problems.append(
                    .init(
                        keyPath: path,
                        message: "port \(port.target) is bound to \(address), which a swarm cannot do; "
                            + "publish it in host mode without an address, or leave it unpublished"))
            }
            if port.mode == "ingress" || port.mode == nil, port.published != nil,
                service.deploy.swarm.endpointMode == .dnsrr
            {
                problems.append(
                    .init(
                        keyPath: path,
                        message: "port \(port.target) is published through the routing mesh, which "
                            + "endpoint_mode dnsrr does not support; write mode: host"))
            }
        }
        return problems
    }
}
