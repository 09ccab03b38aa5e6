public import DockerEngine
import Foundation
public import TwipStack

/// The default backend: each replica a container on one engine, named `ENV-SERVICE-N`, labelled as twip's.
public struct ContainerBackend: Backend {
    public let client: DockerClient
    public let stack: Stack
    public let names: EnvironmentNames
    public let blueprint: ReplicaBlueprint
    public let proxies: ProxyFollower
    public let report: ProgressSink

    public init(
        client: DockerClient, stack: Stack, names: EnvironmentNames, proxies: [ProxyRole],
        processEnvironment: [String: String], report: @escaping ProgressSink
    ) {
        self.client = client
        self.stack = stack
        self.names = names
        self.blueprint = ReplicaBlueprint(stack: stack, names: names, processEnvironment: processEnvironment)
        self.proxies = ProxyFollower(client: client, names: names, roles: proxies)
        self.report = report
    }

    // MARK: - Observing

    public func observe(imageReferences: [String]) async throws -> ObservedState {
        let filter = Filters.labels([names.labelFilter])
        let all = try await client.listContainers(all: true, filters: filter).compactMap(ObservedContainer.init)
        let containers = all.filter { !$0.isHolder }
        let networks = try await client.listNetworks(filters: filter).map(\.name)
        let volumes = try await client.listVolumes(filters: filter).map(\.name)
        var images: [String: String] = [:]
        for reference in Set(imageReferences) {
            do {
                images[reference] = try await client.inspectImage(reference).id
            } catch let error as EngineError where error.isNotFound {
                continue
            }
        }
        var state = ObservedState(
            containers: containers, networks: Set(networks), volumes: Set(volumes), images: images)
        state.holders = all.filter(\.isHolder)
        return state
    }

    /// One request: what `ps` needs is the containers alone.
    public func containers() async throws -> [ObservedContainer] {
        try await observeContainers()
    }

    public func snapshot(of container: String) async throws -> ContainerSnapshot {
        try await client.readinessSnapshot(of: container)
    }

    public func lastLines(of container: String, count: Int) async throws -> [String] {
        try await client.lastLines(of: container, count: count)
    }

    public func exitCode(of container: String) async throws -> Int {
        try await client.waitContainer(container).statusCode
    }

    // MARK: - Steps

    public func apply(_ step: Step) async throws {
        switch step.kind {
        case .createNetwork(let network):
            let declared = stack.networks.first { $0.name == network }
            var config = NetworkConfig(name: names.network(network), driver: declared?.driver ?? "bridge")
            config.labels = (declared?.labels ?? [:]).merging([TwipLabel.environment: names.environment]) { $1 }
            config.checkDuplicate = true
            config.declare(declared)
            _ = try await client.createNetwork(config)
            report(.networkCreated(names.network(network)))
        case .createVolume(let volume):
            let declared = stack.volumes.first { $0.name == volume }
            try await client.createVolume(
                name: names.volume(volume), driver: declared?.driver,
                labels: (declared?.labels ?? [:]).merging([TwipLabel.environment: names.environment]) { $1 })
            report(.volumeCreated(names.volume(volume)))
        case .create(let name, let replica):
            try await create(
                service: name, replica: replica, container: names.container(service: name, replica: replica))
        case .createReplacement(let name, let replica, let container):
            try await create(service: name, replica: replica, container: container)
        case .stop(let container):
            await drainIfHAProxyGeneration(container.id, service: container.service, runtime: container.runtime)
            try await client.stopContainer(container.id, timeout: stopTimeout(of: container))
            report(.stopped(container.name))
        case .removeIfPresent(let name):
            do {
                // Stopped with its own stop signal first: connections it accepted are answered.
                let inspect = try await client.inspectContainer(name)
                let labels = inspect.config?.labels ?? [:]
                let grace =
                    stack.service(named: labels[TwipLabel.service] ?? "")?.stopGracePeriod
                    .map { Int($0.components.seconds) } ?? 10
                if inspect.state?.running == true {
                    await drainIfHAProxyGeneration(
                        inspect.id, service: labels[TwipLabel.service] ?? "", runtime: labels[TwipLabel.runtime])
                }
                try await client.stopContainer(
                    name, timeout: labels[TwipLabel.runtime] == nil ? grace : max(grace, 40))
                try await client.removeContainer(name, force: true)
                report(.removed(name, cause: step.cause))
            } catch let error as EngineError where error.isNotFound {
                return
            }
        case .keepPrevious(let reference, let imageID):
            let (repository, _) = Self.split(reference)
            try await client.tagImage(imageID, repository: repository, tag: "previous")
        case .start(let container):
            try await client.startContainer(container.id)
            report(.started(container.name))
        case .leaveProxies(let containers):
            guard !proxies.roles.isEmpty else { return }
            try await proxies.sync(leaving: Set(containers)) { try await observeContainers() }
        case .rejoinProxies(let containers):
            guard !proxies.roles.isEmpty else { return }
            try await proxies.sync(rejoining: Set(containers)) { try await observeContainers() }
        case .syncProxies:
            guard !proxies.roles.isEmpty else { return }
            try await proxies.sync { try await observeContainers() }
        case .remove(let container):
            if container.state.isUp {
                await drainIfHAProxyGeneration(container.id, service: container.service, runtime: container.runtime)
                try await client.stopContainer(container.id, timeout: stopTimeout(of: container))
            }
            try await client.removeContainer(container.id, force: true)
            report(.removed(container.name, cause: step.cause))
        case .restart(let container):
            try await client.restartContainer(container.id, timeout: stopTimeout(of: container))
            report(.restarted(container.name))
        case .removeNetwork(let network):
            try await client.removeNetwork(network)
            report(.networkRemoved(network))
        case .removeVolume(let volume):
            try await client.removeVolume(volume)
            report(.volumeRemoved(volume))
        case .together, .drain, .waitUntilReady, .waitForDependencies, .monitor, .pause, .release:
            assertionFailure("the executor runs \(step.kind) itself")
        }
    }

    /// Creates, connects, prepares (a proxy gets its backends file) and starts one replica's container.
    func create(service name: String, replica: Int, container: String) async throws {
        guard let service = stack.service(named: name) else { return }
        if Planner.handsOver(service, proxies: proxies.roles) {
            try await createGeneration(of: service, replica: replica, container: container)
            return
        }
        let created = try await client.createContainer(
            name: container, config: blueprint.containerConfig(for: service, replica: replica),
            platform: service.options.platform)
        // The create body joins the first network; the engine takes the others one by one before the start.
        let addresses = blueprint.fixedAddresses(for: service)
        for (index, network) in blueprint.networks(for: service).enumerated().dropFirst() {
            try await client.connectNetwork(
                network.name, container: created.id, aliases: network.aliases,
                addresses: index < addresses.count ? addresses[index] : nil)
        }
        // A proxy starts with the right servers: no reload needed for its first start.
        try await proxies.prepare(created.id, service: name, observed: try await observeContainers())
        try await client.startContainer(created.id)
        report(.started(container))
    }

    /// Starts a proxy generation in the holder's network namespace beside the generation serving now (HAProxy takes
    /// its listening sockets over; nginx listens beside it with `reuseport`) and returns once the new generation
    /// answers on its own loopback port (its health check may be answered by the other).
    func createGeneration(of service: Service, replica: Int, container: String) async throws {
        let kind = proxies.roles.first { $0.service == service.name }?.kind ?? .haproxy
        if kind == .haproxy {
            let volume = names.handoverVolume(service: service.name)
            if try await client.listVolumes(filters: .labels([names.labelFilter])).contains(where: { $0.name == volume })
                == false
            {
                try await client.createVolume(name: volume, labels: [TwipLabel.environment: names.environment])
            }
        }
        let holder = try await ensureHolder(of: service)
        var previous: ObservedContainer?
        for generation in try await observeContainers()
        where generation.service == service.name && generation.state.isUp {
            let inspect = try await client.inspectContainer(generation.id)
            let inHolder = inspect.hostConfig?.networkMode == "container:\(holder.id)"
            if generation.runtime == nil || !inHolder || (inspect.state?.startedAt ?? "") < holder.startedAt {
                // Holding the ports itself (made before holders), or stuck in a namespace that is gone: it cannot
                // hand over; it goes first (the one time a proxy change costs refused connections).
                try await client.stopContainer(generation.id, timeout: stopTimeout(of: generation))
                try await client.removeContainer(generation.id, force: true)
                report(.removed(generation.name, cause: .replaced(.configChanged)))
                continue
            }
            previous = generation
        }
        let port = previous?.runtime?.hasSuffix(":9999") == true ? 9998 : 9999
        let config = blueprint.generationConfig(
            for: service, kind: kind, replica: replica, holderID: holder.id, socket: "/run/twip-proxy/\(container).sock",
            runtimePort: port, previous: previous.map { "/run/twip-proxy/\($0.name).sock" })
        let created = try await client.createContainer(
            name: container, config: config, platform: service.options.platform)
        try await proxies.prepare(created.id, service: service.name, observed: try await observeContainers())
        if kind == .nginx, let role = proxies.roles.first(where: { $0.service == service.name }) {
            let directory = (role.configPath as NSString).deletingLastPathComponent
            let text = ProxyConfig.nginxGeneration(port: port, container: container)
            let archive = TarStream(items: [.file("generation.conf", contents: Array(text.utf8), mode: 0o644)])
            try await client.putArchive(created.id, path: directory, archive: archive.body)
        }
        try await client.startContainer(created.id)
        try await waitUntilListening(generation: created.id, named: container, kind: kind, port: port)
        report(.started(container))
    }

    /// How long an HAProxy generation answers with `Connection: close` before its soft stop: longer than an answer
    /// already on its way takes to reach its client.
    static let drainBeforeStop: Duration = .seconds(1)

    /// Before an HAProxy generation is stopped: tells it to close each client connection after its answer, and
    /// gives the answers in flight a moment to go out that way. Best effort: a generation whose runtime API does
    /// not answer is stopped all the same.
    func drainIfHAProxyGeneration(_ id: String, service: String, runtime: String?) async {
        guard let runtime, proxies.roles.contains(where: { $0.service == service && $0.kind == .haproxy }) else {
            return
        }
        let proxy = HAProxyRuntime(client: client, container: id, endpoint: runtime)
        do {
            try await proxy.startDraining()
        } catch {
            return
        }
        do {
            try await Task.sleep(for: Self.drainBeforeStop)
        } catch {
            // Interrupted before the stop: this generation goes on serving, so it goes back to keep-alive (in a
            // task of its own, which the interruption does not cancel).
            await Task.detached { try? await proxy.stopDraining() }.value
        }
    }

    /// Waits (30 s at most) until a new proxy generation answers on its own loopback port: HAProxy's runtime API, or
    /// the readiness server an nginx generation was given. A generation that exits first fails at once, with its
    /// last lines.
    func waitUntilListening(generation id: String, named container: String, kind: ProxyKind, port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            switch kind {
            case .haproxy:
                let runtime = HAProxyRuntime(client: client, container: id, endpoint: "127.0.0.1:\(port)")
                if (try? await runtime.send("show info"))?.contains("Pid:") == true { return }
            case .nginx:
                let probe = try? await client.exec(
                    id,
                    // busybox nc gives up after 5 s without an answer (-w); (busybox wget -T crashes in this image).
                    ExecConfig(cmd: [
                        "busybox", "sh", "-c",
                        "printf 'GET /twip-generation HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 5 127.0.0.1 \(port)",
                    ]))
                if let probe, probe.exitCode == 0, probe.output.contains(container) { return }
            }
            if try await client.inspectContainer(id).state?.running != true {
                let last = (try? await client.lastLines(of: id, count: 5)) ?? []
                throw DeploymentError.notReady(
                    container: container,
                    state: "it exited before it listened" + (last.isEmpty ? "" : ": " + last.joined(separator: " | ")))
            }
            guard ContinuousClock.now < deadline else {
                throw DeploymentError.notReady(
                    container: container, state: "it did not answer on 127.0.0.1:\(port) in its namespace in 30 s")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The holder of a handing-over proxy, created or started when it is not running.
    func ensureHolder(of service: Service) async throws -> (id: String, startedAt: String) {
        let name = names.holder(service: service.name)
        do {
            let inspect = try await client.inspectContainer(name)
            if inspect.state?.running != true {
                try await client.startContainer(inspect.id)
                report(.started(name))
                return (inspect.id, try await client.inspectContainer(inspect.id).state?.startedAt ?? "")
            }
            return (inspect.id, inspect.state?.startedAt ?? "")
        } catch let error as EngineError where error.isNotFound {
            let created = try await client.createContainer(
                name: name, config: blueprint.holderConfig(for: service, image: names.imageReference(for: service)),
                platform: service.options.platform)
            try await client.startContainer(created.id)
            report(.started(name))
            return (created.id, try await client.inspectContainer(created.id).state?.startedAt ?? "")
        }
    }

    /// `repository` and `tag` of an image reference (`host:5000/name:tag` → `host:5000/name`, `tag`).
    static func split(_ reference: String) -> (repository: String, tag: String) {
        guard let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") else {
            return (reference, "latest")
        }
        return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }

    /// Seconds a container gets to stop before it is killed: its service's `stop_grace_period`, else 10; a proxy
    /// generation at least 40, as long as HAProxy's soft stop may take (hard-stop-after).
    func stopTimeout(of container: ObservedContainer) -> Int {
        let grace = stack.service(named: container.service)?.stopGracePeriod.map { Int($0.components.seconds) } ?? 10
        return container.runtime == nil ? grace : max(grace, 40)
    }

    func observeContainers() async throws -> [ObservedContainer] {
        try await client.listContainers(all: true, filters: .labels([names.labelFilter]))
            .compactMap(ObservedContainer.init).filter { !$0.isHolder }
    }

    // MARK: - Logs

    public func logs(
        of containers: [ObservedContainer], follow: Bool, tail: Int?, line: @escaping @Sendable (LogLine) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask {
                    var pending: [DockerEngine.OutputStream: [UInt8]] = [:]
                    let stream = try await client.logs(container.id, options: LogOptions(follow: follow, tail: tail))
                    for try await frame in stream {
                        var buffer = pending[frame.stream, default: []] + frame.bytes
                        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                            line(
                                LogLine(
                                    container: container.name,
                                    text: String(decoding: buffer[..<newline], as: UTF8.self),
                                    isError: frame.stream == .stderr))
                            buffer.removeSubrange(...newline)
                        }
                        pending[frame.stream] = buffer
                    }
                    for (stream, rest) in pending where !rest.isEmpty {
                        line(
                            LogLine(
                                container: container.name, text: String(decoding: rest, as: UTF8.self),
                                isError: stream == .stderr))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

extension ObservedContainer {
    /// A listed container read through twip's labels; nil for one without them.
    public init?(_ summary: ContainerSummary) {
        guard let labels = summary.labels, let environment = labels[TwipLabel.environment],
            let service = labels[TwipLabel.service]
        else { return nil }
        var ports: [PortMapping] = []
        for port in summary.ports ?? [] {
            guard let target = port.privatePort else { continue }
            let mapping = PortMapping(
                hostIP: port.publicPort == nil ? nil : port.ip ?? "0.0.0.0", hostPort: port.publicPort, port: target,
                protocol: port.type ?? "tcp")
            if !ports.contains(mapping) { ports.append(mapping) }
        }
        var addresses: [String: String] = [:]
        for (network, endpoint) in summary.networkSettings?.networks ?? [:] {
            if let address = endpoint.ipAddress, !address.isEmpty { addresses[network] = address }
        }
        self.init(
            id: summary.id, name: summary.name ?? summary.id, environment: environment, service: service,
            replica: labels[TwipLabel.replica].flatMap { Int($0) } ?? 0,
            configHash: labels[TwipLabel.configHash] ?? "", imageID: summary.imageID ?? "",
            image: summary.image ?? "", state: State(rawValue: summary.state ?? "") ?? .exited,
            health: Health(status: summary.status), ports: ports, addresses: addresses)
        runtime = labels[TwipLabel.runtime]
        isHolder = labels[TwipLabel.role] == "holder"
    }
}

extension ContainerSnapshot {
    /// The readiness-relevant part of an inspected container.
    init(_ inspect: ContainerInspect) {
        let state = inspect.state
        self.init(
            state: ObservedContainer.State(rawValue: state?.status ?? "") ?? .exited,
            health: ObservedContainer.Health(inspected: state?.health?.status), exitCode: state?.exitCode ?? 0,
            restartCount: inspect.restartCount ?? 0, lastHealthOutput: state?.health?.log?.last?.output)
    }
}
