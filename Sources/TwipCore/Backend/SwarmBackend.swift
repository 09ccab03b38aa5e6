public import DockerEngine
import Foundation
public import TwipStack

/// An environment as Docker Swarm services: one service per stack service, its tasks scheduled, restarted and
/// rolled by the swarm itself. twip converges the service specs; the swarm converges the tasks.
public struct SwarmBackend: Backend {
    let client: DockerClient
    public let stack: Stack
    public let names: EnvironmentNames
    let processEnvironment: [String: String]
    let report: ProgressSink
    /// How often convergence is polled.
    var pollInterval: Duration = .milliseconds(500)
    /// The registry given on the command line or in the environment, before the stack's and the swarm's.
    var givenRegistry: ImageRegistry?

    public init(
        client: DockerClient, stack: Stack, names: EnvironmentNames, processEnvironment: [String: String],
        report: @escaping ProgressSink
    ) {
        self.client = client
        self.stack = stack
        self.names = names
        self.processEnvironment = processEnvironment
        self.report = report
    }

    var blueprint: SwarmBlueprint {
        SwarmBlueprint(stack: stack, names: names, processEnvironment: processEnvironment)
    }

    /// The environment's services (those with its label), by stack service name.
    func services() async throws -> [String: SwarmService] {
        let listed = try await client.listServices(filters: .labels([names.labelFilter]))
        var byName: [String: SwarmService] = [:]
        for service in listed {
            guard let name = service.spec.labels?[TwipLabel.service] else { continue }
            byName[name] = service
        }
        return byName
    }

    // MARK: - Backend

    /// The environment's tasks that should run, as containers (slot = replica), its networks, and image IDs.
    public func observe(imageReferences: [String]) async throws -> ObservedState {
        var state = ObservedState()
        let services = try await services()
        let nodes = Dictionary(
            (try await client.listNodes()).map { ($0.id, $0.hostname ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        for (name, service) in services {
            let tasks = try await client.listTasks(
                filters: Filters(["service": [service.id], "desired-state": ["running"]]))
            for task in tasks {
                state.containers.append(
                    await container(of: task, service: name, spec: service.spec, nodes: nodes))
            }
        }
        let networks = try await client.listNetworks(filters: .labels([names.labelFilter]))
        state.networks = Set(networks.map(\.name))
        for reference in Set(imageReferences) {
            if let id = try? await client.inspectImage(reference).id { state.images[reference] = id }
        }
        return state
    }

    /// A task read as a container: named `ENV_SERVICE.SLOT`, with its container's health when this node runs it.
    func container(of task: SwarmTask, service: String, spec: ServiceSpec, nodes: [String: String]) async
        -> ObservedContainer
    {
        let slot = task.slot ?? 0
        let containerID = task.status.containerStatus?.containerID ?? ""
        var health = ObservedContainer.Health.none
        if !containerID.isEmpty, let inspected = try? await client.inspectContainer(containerID) {
            health = ObservedContainer.Health(inspected: inspected.state?.health?.status)
        }
        let taskName =
            slot > 0
            ? "\(spec.name).\(slot)" : "\(spec.name).\(task.nodeID.flatMap { nodes[$0] } ?? String(task.id.prefix(12)))"
        var observed = ObservedContainer(
            id: containerID.isEmpty ? task.id : containerID, name: taskName, environment: names.environment,
            service: service, replica: slot, configHash: spec.labels?[TwipLabel.configHash] ?? "",
            imageID: task.spec?.containerSpec.image ?? spec.taskTemplate.containerSpec.image,
            image: spec.labels?[Self.imageLabel] ?? spec.taskTemplate.containerSpec.image,
            state: Self.state(task.status.state), health: health,
            ports: (spec.endpointSpec?.ports ?? []).map {
                PortMapping(hostPort: $0.publishedPort, port: $0.targetPort, protocol: $0.protocol ?? "tcp")
            })
        observed.node = task.nodeID.flatMap { nodes[$0] }
        observed.taskState = task.status.state
        return observed
    }

    /// A task state as the container state closest to it.
    static func state(_ task: String) -> ObservedContainer.State {
        switch task {
        case "running": .running
        case "complete", "shutdown", "failed", "rejected", "orphaned", "remove": .exited
        default: .created
        }
    }

    /// Nothing to carry out step by step: the swarm replaces tasks itself, and its proxies find replicas through
    /// the swarm's DNS. Only the proxy repair that ends every mutating command arrives here, and it has nothing to do.
    public func apply(_ step: Step) async throws {
        if case .syncProxies = step.kind { return }
        throw OperationFailure("step \(step) is not carried out on a swarm: the swarm orchestrates the tasks")
    }

    public func snapshot(of container: String) async throws -> ContainerSnapshot {
        try await client.readinessSnapshot(of: container)
    }

    /// The last `count` lines of a task's container output (both streams), oldest first.
    public func lastLines(of container: String, count: Int) async throws -> [String] {
        try await client.lastLines(of: container, count: count)
    }

    public func exitCode(of container: String) async throws -> Int {
        try await client.waitContainer(container).statusCode
    }

    /// Streams the output of the services the containers belong to (every task of each), through service logs.
    public func logs(
        of containers: [ObservedContainer], follow: Bool, tail: Int?, line: @escaping @Sendable (LogLine) -> Void
    ) async throws {
        let services = try await services()
        let wanted = Set(containers.map(\.service))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, service) in services where wanted.contains(name) {
                group.addTask {
                    let stream = try await client.serviceLogs(
                        service.id, options: LogOptions(follow: follow, tail: tail))
                    var pending: [DockerEngine.OutputStream: [UInt8]] = [:]
                    for try await frame in stream {
                        var buffer = pending[frame.stream, default: []] + frame.bytes
                        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                            line(
                                LogLine(
                                    container: service.spec.name,
                                    text: String(decoding: buffer[..<newline], as: UTF8.self),
                                    isError: frame.stream == .stderr))
                            buffer.removeSubrange(...newline)
                        }
                        pending[frame.stream] = buffer
                    }
                    for (stream, rest) in pending where !rest.isEmpty {
                        line(
                            LogLine(
                                container: service.spec.name, text: String(decoding: rest, as: UTF8.self),
                                isError: stream == .stderr))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
