import DockerEngine
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `twip lab up` made.
public struct LabSummary: Sendable, Equatable {
    /// The lab's name, also its Docker context.
    public var name: String
    /// The nodes' names, in order.
    public var nodes: [String]
    /// Each node's `DOCKER_HOST`, in the same order.
    public var hosts: [String]
    /// `http://127.0.0.1:PORT`, the edge.
    public var entry: String
    /// The `DOCKER_HOST` of the node the context points at.
    public var contextHost: String
}

extension EngineSession {
    /// How long a node's engine gets to answer after its container starts.
    static let labNodeStartTimeout: Duration = .seconds(90)
    /// How long the swarm gets to see every node ready.
    static let labSwarmTimeout: Duration = .seconds(90)

    /// Starts lab `layout`: its network, node containers (engines in containers), a swarm of them all managers,
    /// the registry inside, the host's base images in the first node, the edge and the Docker context.
    /// A failure removes what was made.
    public func labUp(
        _ layout: LabLayout, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: @Sendable (String) -> Void
    ) async throws -> LabSummary {
        if let problem = layout.problems.first { throw UsageFailure(problem) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.dataDirectory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw UsageFailure(
                "no data folder at \(layout.dataDirectory): the nodes share it (`make data`, or --data DIR)")
        }
        let existing = try await labObjects(layout.name)
        guard existing.isEmpty else {
            throw OperationFailure(
                "lab \(layout.name) exists on the engine at \(host) (\(existing.nodes.count) nodes); "
                    + "`twip lab status` shows it, `twip lab down` removes it")
        }
        var registryImage = ""
        for image in [LabBlueprint.nodeImage, LabBlueprint.registryImage, LabBlueprint.edgeImage] {
            do {
                let id = try await client.inspectImage(image).id
                if image == LabBlueprint.registryImage { registryImage = id }
            } catch let error as EngineError where error.isNotFound {
                throw OperationFailure(
                    "image \(image) is missing: `twip base --only dind registry haproxy` builds the lab's images")
            }
        }
        let driver = try await client.info().cgroupDriver ?? "cgroupfs"
        do {
            return try await makeLab(
                layout, cgroupDriver: driver, registryImage: registryImage,
                environment: environment, progress: progress)
        } catch {
            progress("lab \(layout.name): removing what was made after: \(error)")
            // In a task of its own, so that the Ctrl-C that interrupted `up` does not stop the cleanup too.
            let session = self
            await Task.detached {
                _ = try? await session.labDown(layout.name, environment: environment) { _ in }
            }.value
            throw error
        }
    }

    private func makeLab(
        _ layout: LabLayout, cgroupDriver: String, registryImage: String, environment: [String: String],
        progress: @Sendable (String) -> Void
    ) async throws -> LabSummary {
        let files = FileManager.default
        try files.createDirectory(atPath: layout.registryStorage, withIntermediateDirectories: true)
        try Data(LabBlueprint.registryConfiguration.utf8).write(
            to: URL(fileURLWithPath: layout.registryConfiguration))

        let subnet = try await createLabNetwork(layout)
        progress("network \(layout.networkName): \(subnet)")
        let blueprint = LabBlueprint(layout: layout, subnet: subnet)
        for index in 1...layout.nodeCount {
            try await client.createVolume(
                name: layout.volumeName(index), labels: layout.labels(role: "volume", node: index))
            try await client.createContainer(
                name: layout.nodeName(index), config: blueprint.nodeContainer(index, cgroupDriver: cgroupDriver))
            try await client.startContainer(layout.nodeName(index))
        }
        for index in 1...layout.nodeCount {
            try await waitForNodeEngine(layout.nodeName(index), port: layout.apiPort + index - 1)
        }
        progress("\(layout.nodeCount) node engines answer (\(layout.apiHost(1)) ...)")

        try await formSwarm(layout, blueprint: blueprint)
        progress("swarm: \(layout.nodeCount) managers ready, heartbeat \(LabBlueprint.heartbeatSeconds)s")

        for index in 1...layout.nodeCount {
            try await withNodeClient(port: layout.apiPort + index - 1) { node in
                try await client.copyImages([LabBlueprint.registryImage], to: node)
            }
        }
        let base = try await client.listImages(filters: .labels([BaseImageRecipe.label])).flatMap { $0.repoTags ?? [] }
            .filter { BaseImageRecipe.isBuildBase($0) }
            .sorted()
        if !base.isEmpty {
            try await withNodeClient(port: layout.apiPort) { node in
                try await client.copyImages(base, to: node)
            }
            progress("base images loaded into \(layout.nodeName(1)): \(base.joined(separator: " "))")
        }

        try await withNodeClient(port: layout.apiPort) { node in
            try await node.createService(blueprint.registryService(image: registryImage))
            let ready = try await poll(timeout: .seconds(60)) {
                let services = (try? await node.listServices(filters: .labels([LabLayout.Label.registry]))) ?? []
                return services.first?.serviceStatus.map { $0.runningTasks >= layout.nodeCount } ?? false
            }
            guard ready else {
                throw OperationFailure("the lab registry did not run on every node within 60 s")
            }
        }
        progress("registry: a task on every node at \(LabBlueprint.registryAddress), storage \(layout.registryStorage)")

        let edge = try await client.createContainer(name: layout.edgeName, config: blueprint.edgeContainer())
        let configuration = Array(blueprint.edgeConfiguration().utf8)
        let path = LabBlueprint.edgeConfigurationPath
        try await client.putArchive(
            edge.id, path: (path as NSString).deletingLastPathComponent,
            archive: TarStream(items: [
                .file((path as NSString).lastPathComponent, contents: configuration, mode: 0o644)
            ])
            .body)
        try await client.startContainer(edge.id)
        progress("edge \(layout.edgeName): 127.0.0.1:\(layout.entryPort) over every node's port \(layout.entryPort)")

        let store = DockerContextStore(configDirectory: DockerConfigFile.directory(environment: environment))
        try store.write(
            DockerContext(
                name: layout.contextName, host: layout.apiHost(1),
                description: "twip lab \(layout.name): \(layout.nodeCount)-node swarm, API of \(layout.nodeName(1))"))
        return LabSummary(
            name: layout.name, nodes: layout.nodeNames, hosts: (1...layout.nodeCount).map(layout.apiHost),
            entry: "http://127.0.0.1:\(layout.entryPort)", contextHost: layout.apiHost(1))
    }

    /// Creates the lab network on a subnet the engine picks, then pins it: a node keeps its address across a
    /// restart only on a network whose subnet was given.
    private func createLabNetwork(_ layout: LabLayout) async throws -> IPv4Subnet {
        var config = NetworkConfig(name: layout.networkName, labels: layout.labels(role: "network"))
        let probe = try await client.createNetwork(config)
        let inspected = try await client.inspectNetwork(probe)
        try await client.removeNetwork(probe)
        guard let text = inspected.ipam?.config?.first?.subnet, let subnet = IPv4Subnet(text),
            subnet.size >= 16 + LabLayout.maximumNodes
        else {
            throw OperationFailure("the engine gave network \(layout.networkName) no usable IPv4 subnet")
        }
        config.ipam = NetworkIPAM(config: [NetworkIPAM.Pool(subnet: subnet.description, gateway: subnet.address(1))])
        try await client.createNetwork(config)
        return subnet
    }

    /// Waits until the engine in node container `name` answers on `port`; a node whose container stopped fails
    /// with its last output.
    func waitForNodeEngine(_ name: String, port: Int) async throws {
        let answered = try await poll(timeout: Self.labNodeStartTimeout) {
            (try? await withNodeClient(port: port) { try await $0.ping() }) != nil
        }
        if !answered {
            let state = (try? await client.inspectContainer(name))?.state
            throw OperationFailure(
                "the engine in node \(name) did not answer on 127.0.0.1:\(port) within "
                    + "\(Self.labNodeStartTimeout.components.seconds) s (container \(state?.status ?? "missing")"
                    + "\(state?.error.map { $0.isEmpty ? "" : ": \($0)" } ?? ""))")
        }
    }

    /// The first node starts the swarm (advertising its lab address, 2 s heartbeats), the others join it as
    /// managers; returns once every node is ready.
    private func formSwarm(_ layout: LabLayout, blueprint: LabBlueprint) async throws {
        let firstAddress = layout.nodeAddress(1, subnet: blueprint.subnet)
        let token = try await withNodeClient(port: layout.apiPort) { node in
            try await node.initSwarm(
                SwarmInitRequest(
                    listenAddr: "0.0.0.0:2377", advertiseAddr: firstAddress,
                    spec: SwarmSpec(dispatcherHeartbeat: LabBlueprint.heartbeatSeconds * 1_000_000_000)))
            guard let tokens = try await node.inspectSwarm().joinTokens else {
                throw OperationFailure("the swarm of \(layout.nodeName(1)) gave no join token")
            }
            return tokens.manager
        }
        if layout.nodeCount > 1 {
            for index in 2...layout.nodeCount {
                try await withNodeClient(port: layout.apiPort + index - 1) { node in
                    try await node.joinSwarm(
                        SwarmJoinRequest(
                            advertiseAddr: layout.nodeAddress(index, subnet: blueprint.subnet),
                            remoteAddrs: ["\(firstAddress):2377"], joinToken: token))
                }
            }
        }
        try await waitForReadyNodes(layout.nodeNames, port: layout.apiPort)
    }

    /// Waits until the manager at `port` sees every node of `names` ready.
    func waitForReadyNodes(_ names: [String], port: Int, timeout: Duration = EngineSession.labSwarmTimeout)
        async throws
    {
        var last: [SwarmNode] = []
        let ready = try await poll(timeout: timeout) {
            guard let nodes = try? await withNodeClient(port: port, { try await $0.listNodes() }) else { return false }
            last = nodes
            return names.allSatisfy { name in nodes.contains { $0.hostname == name && $0.state == "ready" } }
        }
        if !ready {
            let seen = last.map { "\($0.hostname ?? $0.id) \($0.state ?? "?")" }.joined(separator: ", ")
            throw OperationFailure(
                "the swarm did not see \(names.joined(separator: ", ")) ready within "
                    + "\(timeout.components.seconds) s (it sees: \(seen.isEmpty ? "nothing" : seen))")
        }
    }

    // MARK: - Status

    /// Lab `name`'s nodes as the host engine and the swarm see them, asked of the first node that answers.
    public func labStatus(_ name: String) async throws -> LabStatus {
        let lab = try await existingLab(name)
        var swarmNodes: [SwarmNode] = []
        var tasks: [SwarmTask] = []
        var services: [String: String] = [:]
        var answeredBy: String?
        for node in lab.runningNodes {
            guard let port = node.apiPort else { continue }
            let answer = try? await withNodeClient(port: port) { client in
                let nodes = try await client.listNodes()
                let tasks = try await client.listTasks(filters: ["desired-state": ["running"]])
                let services = try await client.listServices()
                return (nodes, tasks, services)
            }
            guard let answer else { continue }
            swarmNodes = answer.0
            tasks = answer.1.filter { $0.status.state == "running" }
            services = Dictionary(answer.2.map { ($0.id, $0.spec.name) }, uniquingKeysWith: { first, _ in first })
            answeredBy = node.name
            break
        }
        let rows = lab.nodes.map { node -> LabNodeStatus in
            let swarm = swarmNodes.first { $0.hostname == node.name }
            let own = tasks.filter { $0.nodeID == swarm?.id && swarm != nil }
                .map { LabStatus.taskName(service: services[$0.serviceID] ?? $0.serviceID, slot: $0.slot) }.sorted()
            return LabNodeStatus(
                node: node.name, container: node.containerState, api: node.apiHost ?? "-",
                role: swarm.map { $0.isLeader ? "leader" : ($0.role ?? "?") }, state: swarm?.state,
                availability: swarm?.availability, tasks: own)
        }
        return LabStatus(
            lab: name, nodes: rows, edge: lab.edge?.state, entry: lab.entryPort.map { "http://127.0.0.1:\($0)" },
            data: lab.dataDirectory, answeredBy: answeredBy)
    }

    // MARK: - Kill and start

    /// Kills node `node` of lab `name` with SIGKILL: a server's hard failure. Its volume stays.
    public func labKill(_ name: String, node: String) async throws {
        let lab = try await existingLab(name)
        let found = try labNode(node, of: lab)
        guard found.isRunning else {
            throw OperationFailure("node \(node) is not running (container \(found.containerState))")
        }
        try await client.killContainer(found.name, signal: "SIGKILL")
    }

    /// Starts node `node` of lab `name` again and waits until the swarm sees it ready: its engine finds its swarm
    /// state on its volume and its address unchanged.
    public func labStart(_ name: String, node: String) async throws {
        let lab = try await existingLab(name)
        let found = try labNode(node, of: lab)
        guard let port = found.apiPort else { throw OperationFailure("node \(node) publishes no Engine API port") }
        if !found.isRunning { try await client.startContainer(found.name) }
        try await waitForNodeEngine(found.name, port: port)
        // Its engine rejoins from the swarm state on its volume; until then the swarm may still list it as it was.
        let rejoined = try await poll(timeout: Self.labSwarmTimeout) {
            (try? await withNodeClient(port: port) { try await $0.localSwarmState() })?.isActive == true
        }
        guard rejoined else {
            throw OperationFailure(
                "node \(node) did not rejoin its swarm within \(Self.labSwarmTimeout.components.seconds) s")
        }
        try await waitForReadyNodes([found.name], port: port)
    }

    // MARK: - Rebalance

    /// Force-updates every replicated twip service of lab `name` so that the swarm spreads their tasks over the
    /// nodes again (it never moves running tasks by itself), and waits for each update to complete.
    public func labRebalance(
        _ name: String, timeout: Duration = .seconds(300), progress: @Sendable (String) -> Void
    ) async throws -> [String] {
        let lab = try await existingLab(name)
        let port = try await answeringNodePort(lab)
        return try await withNodeClient(port: port) { node in
            let services = try await node.listServices(filters: .labels([TwipLabel.environment]))
                .filter { $0.spec.mode?.global == nil }.sorted { $0.spec.name < $1.spec.name }
            var moved: [String] = []
            for service in services {
                var spec = service.spec
                spec.taskTemplate.forceUpdate = (spec.taskTemplate.forceUpdate ?? 0) + 1
                try await node.updateService(service.id, version: service.version, spec: spec)
                progress("\(service.spec.name): rolling its tasks")
                let finished = try await poll(timeout: timeout) {
                    let state = (try? await node.inspectService(service.id))?.updateStatus?.state
                    return state == "completed" || state == "rollback_completed" || state == "paused"
                        || state == "rollback_paused"
                }
                let state = (try? await node.inspectService(service.id))?.updateStatus
                guard finished, state?.state == "completed" else {
                    throw OperationFailure(
                        "rebalancing \(service.spec.name) ended \(state?.state ?? "unfinished")"
                            + "\(state?.message.map { ": \($0)" } ?? "")")
                }
                moved.append(service.spec.name)
            }
            return moved
        }
    }

    /// The API port of the first running node whose engine answers.
    func answeringNodePort(_ lab: LabObjects) async throws -> Int {
        for node in lab.runningNodes {
            guard let port = node.apiPort else { continue }
            if (try? await withNodeClient(port: port, { try await $0.ping() })) != nil { return port }
        }
        throw OperationFailure("no node of lab \(lab.name) answers; `twip lab start NODE` brings one back")
    }

    // MARK: - Down

    /// Removes every object of lab `name` (nodes, their volumes, the edge, the network, the context, the lab
    /// folder and the nodes' cgroup parent) and nothing else; the data folder is never touched. Returns what
    /// was removed.
    public func labDown(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: @Sendable (String) -> Void
    ) async throws -> [String] {
        let lab = try await labObjects(name)
        var removed: [String] = []
        for container in lab.containers {
            try await client.removeContainer(container.id, force: true, volumes: true)
            removed.append("container \(container.name ?? container.id)")
        }
        for volume in lab.volumes {
            try await client.removeVolume(volume.name, force: true)
            removed.append("volume \(volume.name)")
        }
        for network in lab.networks {
            try await client.removeNetwork(network.id)
            removed.append("network \(network.name)")
        }
        let store = DockerContextStore(configDirectory: DockerConfigFile.directory(environment: environment))
        if let context = try? store.context(named: name), context.description.hasPrefix("twip lab \(name):") {
            try store.remove(named: name)
            removed.append("context \(name)")
        }
        let directory = lab.directory ?? "\(LabLayout.defaultParentDirectory)/\(name)"
        if directory.hasSuffix("/\(name)"), FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.removeItem(atPath: directory)
            removed.append("folder \(directory)")
        }
        for path in Self.cgroupParentFolders(name) where rmdir(path) == 0 {
            removed.append("cgroup \(path)")
        }
        for line in removed { progress("removed \(line)") }
        return removed
    }

    /// The nodes' cgroup parent in every cgroup v1 hierarchy (and the v2 tree) of the host, where it exists.
    static func cgroupParentFolders(_ name: String) -> [String] {
        let root = "/sys/fs/cgroup"
        let hierarchies = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return ([root] + hierarchies.sorted().map { "\(root)/\($0)" }).map { "\($0)/\(name)" }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }
}
