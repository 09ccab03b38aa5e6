public import DockerEngine
public import Foundation
public import TwipStack

/// Brings one environment on the engine in line with its stack: up, scale, down, and the proxy following.
public struct Deployment: Sendable {
    public let client: DockerClient
    public private(set) var stack: Stack
    public let names: EnvironmentNames
    public let proxies: [ProxyRole]
    /// Where progress lines go (one line per call, no newline).
    public let report: @Sendable (String) -> Void
    /// How long a replica taken out of a proxy keeps running so in-flight requests finish.
    public var drainTime: Duration = .seconds(2)
    /// How often readiness is polled.
    public var pollInterval: Duration = .milliseconds(500)
    var blueprint: ReplicaBlueprint

    public init(
        client: DockerClient, stack: Stack, environment: String, proxies: [ProxyRole],
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.client = client
        self.stack = stack
        self.names = EnvironmentNames(environment: environment)
        self.proxies = proxies
        self.report = report
        self.blueprint = ReplicaBlueprint(stack: stack, names: names, processEnvironment: processEnvironment)
    }

    // MARK: - Observing

    /// The environment's containers, found through their labels.
    public func observe() async throws -> [ObservedContainer] {
        let summaries = try await client.listContainers(all: true, filters: .labels([names.labelFilter]))
        return summaries.compactMap { summary in
            guard let labels = summary.labels, let service = labels[TwipLabel.service],
                let replica = labels[TwipLabel.replica].flatMap({ Int($0) })
            else { return nil }
            return ObservedContainer(
                id: summary.id, name: summary.name ?? summary.id, service: service, replica: replica,
                configHash: labels[TwipLabel.configHash] ?? "", imageID: summary.imageID ?? "",
                state: ObservedContainer.State(rawValue: summary.state ?? "") ?? .exited,
                health: Self.health(fromStatus: summary.status))
        }
    }

    /// What the stack wants of `services`, with the image IDs their references point at now.
    public func desired(_ services: [Service]) async throws -> [DesiredService] {
        var result: [DesiredService] = []
        for service in services {
            let imageID = try await imageID(of: blueprint.imageReference(for: service))
            result.append(
                DesiredService(
                    name: service.name, replicas: service.replicas, configHash: blueprint.configHash(for: service),
                    imageID: imageID))
        }
        return result
    }

    func imageID(of reference: String) async throws -> String? {
        do {
            return try await client.inspectImage(reference).id
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    static func health(fromStatus status: String?) -> ObservedContainer.Health {
        guard let status else { return .none }
        if status.contains("(healthy)") { return .healthy }
        if status.contains("(unhealthy)") { return .unhealthy }
        if status.contains("(health: starting)") { return .starting }
        return .none
    }

    // MARK: - Up

    /// Converges `selection` (all services when nil, plus what they depend on) and reports what changed.
    ///
    /// With `wait`, returns only when every container of the selection is running and healthy.
    @discardableResult
    public func up(selection: [String]? = nil, wait: Bool = false, timeout: Duration = .seconds(300)) async throws
        -> Plan
    {
        let deadline = ContinuousClock.now + timeout
        let selected = closure(of: selection ?? stack.services.map(\.name))
        let services = stack.services.filter { selected.contains($0.name) }
        let observed = try await observe()
        try await checkImages(services)
        try await checkHostPorts(services, observed: observed)
        try await ensureNetworksAndVolumes()

        let plan = Planner().plan(
            desired: try await desired(services), observed: observed, keepOrphans: selection != nil)
        let orphans = plan.actions.compactMap { action -> ObservedContainer? in
            if case .remove(let container, .orphan) = action { return container }
            return nil
        }
        if !orphans.isEmpty {
            try await retire(orphans, reason: "service no longer in the stack")
        }
        let waves = StartOrder.waves(services.map { ($0.name, $0.dependsOn.map(\.service)) })
        for wave in waves {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in wave {
                    guard let service = stack.service(named: name) else { continue }
                    group.addTask {
                        try await waitForDependencies(of: service, deadline: deadline)
                        try await apply(plan.actions(for: name), to: service, deadline: deadline)
                    }
                }
                try await group.waitForAll()
            }
        }
        if plan.isEmpty {
            report("\(names.environment): nothing to change; \(plan.unchanged.count) container(s) up to date")
        }
        if wait {
            try await waitUntilReady(services: services.map(\.name), deadline: deadline)
            report("\(names.environment): every container is running and healthy")
        }
        return plan
    }

    /// The selected services plus everything they depend on, transitively.
    func closure(of selection: [String]) -> Set<String> {
        var result = Set<String>()
        var queue = selection
        while let name = queue.popLast() {
            guard result.insert(name).inserted, let service = stack.service(named: name) else { continue }
            queue += service.dependsOn.map(\.service)
        }
        return result
    }

    func checkImages(_ services: [Service]) async throws {
        for service in services where service.replicas > 0 {
            let reference = blueprint.imageReference(for: service)
            if try await imageID(of: reference) == nil {
                let hint =
                    service.build != nil
                    ? "run `twip \(names.environment) build \(service.name)` first"
                    : "twip pulls nothing from registries: build it, or import it with `twip base`"
                throw DeploymentError.imageMissing(service: service.name, image: reference, hint: hint)
            }
        }
    }

    /// Refuses a plan that would publish a host port another process already holds.
    func checkHostPorts(_ services: [Service], observed: [ObservedContainer]) async throws {
        let running = Set(observed.filter { $0.state == .running || $0.state == .restarting }.map(\.service))
        for service in services where service.replicas > 0 && !running.contains(service.name) {
            for port in service.ports {
                guard let published = port.published, port.protocol == "tcp" else { continue }
                if !HostPort.isFree(published, address: port.hostIP) {
                    throw DeploymentError.portTaken(service: service.name, port: published, address: port.hostIP)
                }
            }
        }
    }

    func ensureNetworksAndVolumes() async throws {
        let existing = Set(try await client.listNetworks(filters: .labels([names.labelFilter])).map(\.name))
        var wanted = ["default"] + stack.networks.filter { !$0.external }.map(\.name)
        wanted = wanted.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        for network in wanted where !existing.contains(names.network(network)) {
            let declared = stack.networks.first { $0.name == network }
            var config = NetworkConfig(name: names.network(network), driver: declared?.driver ?? "bridge")
            config.labels = (declared?.labels ?? [:]).merging([TwipLabel.environment: names.environment]) { $1 }
            config.checkDuplicate = true
            _ = try await client.createNetwork(config)
            report("network \(names.network(network)) created")
        }
        let volumes = Set(try await client.listVolumes(filters: .labels([names.labelFilter])).map(\.name))
        for volume in stack.volumes where !volume.external && !volumes.contains(names.volume(volume.name)) {
            try await client.createVolume(
                name: names.volume(volume.name), driver: volume.driver,
                labels: volume.labels.merging([TwipLabel.environment: names.environment]) { $1 })
            report("volume \(names.volume(volume.name)) created")
        }
    }

    func waitForDependencies(of service: Service, deadline: ContinuousClock.Instant) async throws {
        for dependency in service.dependsOn {
            switch dependency.condition {
            case .serviceStarted:
                continue
            case .serviceHealthy:
                try await waitUntilReady(services: [dependency.service], deadline: deadline)
            case .serviceCompletedSuccessfully:
                for container in try await observe() where container.service == dependency.service {
                    let result = try await client.waitContainer(container.id)
                    if result.statusCode != 0 {
                        throw DeploymentError.dependencyFailed(
                            service: service.name, dependency: container.name, exitCode: result.statusCode)
                    }
                }
            }
        }
    }

    /// Applies one service's actions: removals first (out of the proxy, drained, stopped), then new replicas
    /// started together and let into the proxy only once healthy, then replacements one replica at a time so a
    /// scaled service stays up.
    func apply(_ actions: [Action], to service: Service, deadline: ContinuousClock.Instant) async throws {
        guard !actions.isEmpty else { return }
        let proxied = isProxied(service.name)
        var removals: [ObservedContainer] = []
        var starts: [ObservedContainer] = []
        var creates: [Int] = []
        var recreates: [(ObservedContainer, RecreateReason)] = []
        for action in actions {
            switch action {
            case .remove(let container, let reason) where reason != .orphan: removals.append(container)
            case .remove: continue
            case .start(let container): starts.append(container)
            case .create(_, let replica): creates.append(replica)
            case .recreate(let container, let reason): recreates.append((container, reason))
            }
        }
        if !removals.isEmpty {
            try await retire(removals, reason: "scaled down")
        }
        if !starts.isEmpty || !creates.isEmpty {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for container in starts {
                    group.addTask {
                        try await client.startContainer(container.id)
                        report("\(container.name) started")
                        if proxied { try await waitUntilReady(container.id, name: container.name, deadline: deadline) }
                    }
                }
                for replica in creates {
                    group.addTask {
                        try await createAndStart(service, replica: replica, waitReady: proxied, deadline: deadline)
                    }
                }
                try await group.waitForAll()
            }
            if proxied { try await syncProxies() }
        }
        for (container, reason) in recreates {
            try await retire([container], reason: reason.rawValue)
            try await createAndStart(service, replica: container.replica, waitReady: proxied, deadline: deadline)
            if proxied { try await syncProxies() }
        }
    }

    func createAndStart(_ service: Service, replica: Int, waitReady: Bool, deadline: ContinuousClock.Instant)
        async throws
    {
        let name = names.container(service: service.name, replica: replica)
        var config = blueprint.containerConfig(for: service, replica: replica)
        config.labels?[TwipLabel.configHash] = blueprint.configHash(for: service)
        let created = try await client.createContainer(name: name, config: config)
        if let role = proxies.first(where: { $0.service == service.name }) {
            // The proxy starts with the right servers; no reload needed for its first start.
            try await writeProxyConfig(role, into: created.id, excluding: [])
        }
        try await client.startContainer(created.id)
        report("\(name) started")
        if waitReady { try await waitUntilReady(created.id, name: name, deadline: deadline) }
    }

    /// Takes containers out of every proxy, lets in-flight requests drain, then stops and removes them.
    func retire(_ containers: [ObservedContainer], reason: String) async throws {
        let ids = Set(containers.map(\.id))
        if containers.contains(where: { isProxied($0.service) }) {
            try await syncProxies(excluding: ids)
            try await Task.sleep(for: drainTime)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask {
                    let grace = stack.service(named: container.service)?.stopGracePeriod
                    if container.state == .running || container.state == .restarting {
                        try await client.stopContainer(
                            container.id, timeout: grace.map { Int($0.components.seconds) } ?? 10)
                    }
                    try await client.removeContainer(container.id, force: true)
                    report("\(container.name) removed (\(reason))")
                }
            }
            try await group.waitForAll()
        }
        if containers.contains(where: { isProxied($0.service) }) {
            // Now gone: proxies forget them (HAProxy deletes the servers it had put in maintenance).
            try await syncProxies()
        }
    }

    // MARK: - Proxies

    func isProxied(_ service: String) -> Bool {
        proxies.contains { $0.backends.contains { $0.service == service } }
    }

    /// Makes every running proxy send traffic to exactly the live, healthy replicas (minus `excluding`).
    ///
    /// The backends file is always rewritten (so a restarted proxy starts right); an HAProxy with a runtime API
    /// is then changed in place (servers added, put in maintenance, deleted: no reload, no connection closed),
    /// any other proxy reloads hitlessly on its signal.
    public func syncProxies(excluding: Set<String> = []) async throws {
        guard !proxies.isEmpty else { return }
        let observed = try await observe()
        for role in proxies {
            for proxy in observed where proxy.service == role.service && proxy.state == .running {
                let backends = try await writeProxyConfig(
                    role, into: proxy.id, excluding: excluding, observed: observed)
                if let endpoint = role.runtime {
                    let runtime = HAProxyRuntime(client: client, container: proxy.id, endpoint: endpoint)
                    for backend in backends {
                        try await runtime.reconcile(
                            backend: backend.service, port: backend.port, wanted: backend.servers,
                            check: backend.healthPath != nil)
                    }
                } else {
                    try await client.killContainer(proxy.id, signal: role.reloadSignal)
                }
            }
        }
    }

    /// Writes the backends file rendered from the live replicas into a proxy container and returns what it holds.
    @discardableResult
    func writeProxyConfig(
        _ role: ProxyRole, into containerID: String, excluding: Set<String>, observed: [ObservedContainer]? = nil
    ) async throws -> [ProxyBackend] {
        let containers: [ObservedContainer]
        if let observed { containers = observed } else { containers = try await observe() }
        var backends: [ProxyBackend] = []
        for backend in role.backends {
            var servers: [ProxyServer] = []
            let live = containers.filter {
                $0.service == backend.service && $0.state == .running && !excluding.contains($0.id)
                    && ($0.health == .healthy || $0.health == .none)
            }
            for container in live.sorted(by: { $0.replica < $1.replica }) {
                let inspect = try await client.inspectContainer(container.id)
                let networks = inspect.networkSettings?.networks ?? [:]
                let address =
                    networks[names.network("default")]?.ipAddress ?? networks.values.compactMap(\.ipAddress).first
                guard let address, !address.isEmpty else { continue }
                servers.append(ProxyServer(name: container.name, address: address))
            }
            backends.append(
                ProxyBackend(
                    service: backend.service, port: backend.port, healthPath: backend.healthPath,
                    sticky: backend.sticky, servers: servers))
        }
        let text = ProxyConfig.render(role.kind, backends: backends, environment: names.environment)
        let directory = (role.configPath as NSString).deletingLastPathComponent
        let file = (role.configPath as NSString).lastPathComponent
        let archive = TarStream(items: [.file(file, contents: Array(text.utf8), mode: 0o644)])
        try await client.putArchive(containerID, path: directory, archive: archive.body)
        return backends
    }

    // MARK: - Waiting

    /// Waits until every container of `services` is running and healthy, or fails naming the first that is not.
    public func waitUntilReady(services: [String], deadline: ContinuousClock.Instant) async throws {
        let containers = try await observe().filter { services.contains($0.service) }
        for container in containers {
            try await waitUntilReady(container.id, name: container.name, deadline: deadline)
        }
    }

    func waitUntilReady(_ id: String, name: String, deadline: ContinuousClock.Instant) async throws {
        var initialRestarts: Int?
        while true {
            let inspect = try await client.inspectContainer(id)
            let snapshot = Self.snapshot(inspect)
            let restarts = initialRestarts ?? snapshot.restartCount
            initialRestarts = restarts
            switch Readiness.judge(snapshot, initialRestarts: restarts) {
            case .ready:
                return
            case .failed(let why):
                throw DeploymentError.notReady(container: name, state: why)
            case .starting(let why):
                if ContinuousClock.now >= deadline {
                    throw DeploymentError.timedOut(container: name, state: why)
                }
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    static func snapshot(_ inspect: ContainerInspect) -> ContainerSnapshot {
        let state = inspect.state
        let status = ObservedContainer.State(rawValue: state?.status ?? "") ?? .exited
        let health: ObservedContainer.Health =
            switch state?.health?.status {
            case "healthy": .healthy
            case "unhealthy": .unhealthy
            case "starting": .starting
            default: .none
            }
        return ContainerSnapshot(
            state: status, health: health, exitCode: state?.exitCode ?? 0, restartCount: inspect.restartCount ?? 0,
            lastHealthOutput: state?.health?.log?.last?.output)
    }

    // MARK: - Scale and down

    /// Sets replica counts and converges those services; the proxy follows with no failed request.
    public mutating func scale(_ counts: [String: Int], wait: Bool = true, timeout: Duration = .seconds(300))
        async throws
    {
        for (name, count) in counts {
            guard let index = stack.services.firstIndex(where: { $0.name == name }) else {
                throw DeploymentError.unknownService(name)
            }
            let service = stack.services[index]
            if count > 1, let reason = Self.singleReplicaReason(service) {
                throw DeploymentError.cannotReplicate(service: name, reason: reason)
            }
            stack.services[index].replicas = count
        }
        blueprint.stack = stack
        let plan = try await up(selection: Array(counts.keys), wait: false, timeout: timeout)
        let deadline = ContinuousClock.now + timeout
        if wait { try await waitUntilReady(services: Array(counts.keys), deadline: deadline) }
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
            report(
                "\(name): \(count) replica\(count == 1 ? "" : "s")\(plan.actions(for: name).isEmpty ? " (unchanged)" : "")"
            )
        }
    }

    /// Why a service cannot run more than one replica, if it cannot.
    static func singleReplicaReason(_ service: Service) -> String? {
        if let name = service.containerName { return "it sets container_name \"\(name)\"" }
        if let port = service.ports.first(where: { $0.published != nil }) {
            return "it publishes the fixed host port \(port.published ?? 0)"
        }
        return nil
    }

    /// Removes the environment's containers and networks, and its named volumes when `volumes`.
    public func down(volumes: Bool) async throws {
        let containers = try await observe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask {
                    if container.state == .running || container.state == .restarting {
                        try await client.stopContainer(container.id, timeout: 10)
                    }
                    try await client.removeContainer(container.id, force: true)
                    report("\(container.name) removed")
                }
            }
            try await group.waitForAll()
        }
        for network in try await client.listNetworks(filters: .labels([names.labelFilter])) {
            try await client.removeNetwork(network.id)
            report("network \(network.name) removed")
        }
        if volumes {
            for volume in try await client.listVolumes(filters: .labels([names.labelFilter])) {
                try await client.removeVolume(volume.name)
                report("volume \(volume.name) removed")
            }
        }
        if containers.isEmpty { report("\(names.environment): no containers to remove") }
    }
}

/// Why an environment could not be brought where the stack wants it.
public enum DeploymentError: Error, Sendable, Equatable, CustomStringConvertible {
    case imageMissing(service: String, image: String, hint: String)
    case portTaken(service: String, port: Int, address: String?)
    case notReady(container: String, state: String)
    case timedOut(container: String, state: String)
    case dependencyFailed(service: String, dependency: String, exitCode: Int)
    case unknownService(String)
    case cannotReplicate(service: String, reason: String)

    public var description: String {
        switch self {
        case .imageMissing(let service, let image, let hint):
            "service \(service): image \(image) does not exist; \(hint)"
        case .portTaken(let service, let port, let address):
            "service \(service): host port \(address.map { "\($0):" } ?? "")\(port) is already in use; free it, "
                + "move it (TWIP_HTTP_PORT / TWIP_STATS_PORT), or publish through the proxy instead"
        case .notReady(let container, let state):
            "\(container) is not ready: \(state)"
        case .timedOut(let container, let state):
            "\(container) did not become ready in time: \(state)"
        case .dependencyFailed(let service, let dependency, let exitCode):
            "service \(service): dependency \(dependency) exited with code \(exitCode)"
        case .unknownService(let name):
            "no service named \"\(name)\" in the stack"
        case .cannotReplicate(let service, let reason):
            "service \(service) cannot run more than one replica: \(reason); "
                + "publish it through the proxy instead (drop the fixed host port / container_name)"
        }
    }

    /// Whether the problem is the operator's input (exit 2) rather than a failed operation (exit 1).
    public var isUsage: Bool {
        switch self {
        case .portTaken, .unknownService, .cannotReplicate: true
        default: false
        }
    }
}

extension Deployment {
    /// Restarts replicas one at a time: each leaves the proxy, restarts, becomes healthy, and rejoins.
    public func restart(services: [String]?, timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        let selected = services.map(Set.init)
        let containers = try await observe()
            .filter { selected?.contains($0.service) ?? true }
            .sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
        for container in containers {
            let proxied = isProxied(container.service)
            if proxied {
                try await syncProxies(excluding: [container.id])
                try await Task.sleep(for: drainTime)
            }
            let grace = stack.service(named: container.service)?.stopGracePeriod.map { Int($0.components.seconds) }
            try await client.restartContainer(container.id, timeout: grace ?? 10)
            try await waitUntilReady(container.id, name: container.name, deadline: deadline)
            if proxied || proxies.contains(where: { $0.service == container.service }) {
                try await syncProxies()
            }
            report("\(container.name) restarted")
        }
    }
}
