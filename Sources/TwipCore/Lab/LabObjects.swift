import DockerEngine
public import Foundation

/// One node of a lab as the host engine shows it: its container and where its Engine API is published.
public struct LabNode: Sendable, Equatable {
    /// The node's name (container name, hostname, swarm hostname).
    public var name: String
    /// 1-based index.
    public var index: Int
    /// The container's state: `running`, `exited`, `created`, ...
    public var containerState: String
    /// The host port of its Engine API on 127.0.0.1.
    public var apiPort: Int?

    /// `tcp://127.0.0.1:PORT`, the node's `DOCKER_HOST`.
    public var apiHost: String? { apiPort.map { "tcp://127.0.0.1:\($0)" } }
    /// Whether its container runs.
    public var isRunning: Bool { containerState == "running" }
}

/// Everything of one lab on the host engine, read from the `io.twip.lab` labels.
struct LabObjects: Sendable {
    var name: String
    var nodes: [LabNode]
    var edge: ContainerSummary?
    var containers: [ContainerSummary]
    var networks: [NetworkInspect]
    var volumes: [Volume]
    /// The lab folder named by the objects' labels.
    var directory: String?
    /// The entry port named by the objects' labels.
    var entryPort: Int?
    /// The data folder named by the objects' labels.
    var dataDirectory: String?

    var isEmpty: Bool { containers.isEmpty && networks.isEmpty && volumes.isEmpty }

    /// The running nodes, first node first.
    var runningNodes: [LabNode] { nodes.filter(\.isRunning) }
}

extension EngineSession {
    /// Reads lab `name`'s objects from the host engine.
    func labObjects(_ name: String) async throws -> LabObjects {
        let filter = Filters.labels(["\(LabLayout.Label.lab)=\(name)"])
        let containers = try await client.listContainers(all: true, filters: filter)
        let networks = try await client.listNetworks(filters: filter)
        let volumes = try await client.listVolumes(filters: filter)
        var nodes: [LabNode] = []
        for container in containers where container.labels?[LabLayout.Label.role] == "node" {
            guard let index = container.labels?[LabLayout.Label.node].flatMap(Int.init), let name = container.name
            else { continue }
            let inspect = try await client.inspectContainer(container.id)
            let port = inspect.hostConfig?.portBindings?["\(LabBlueprint.nodeAPIPort)/tcp"]?.first?.hostPort
                .flatMap(Int.init)
            nodes.append(
                LabNode(
                    name: name, index: index, containerState: inspect.state?.status ?? container.state ?? "unknown",
                    apiPort: port))
        }
        let labels = containers.compactMap(\.labels) + networks.compactMap(\.labels)
        return LabObjects(
            name: name, nodes: nodes.sorted { $0.index < $1.index },
            edge: containers.first { $0.labels?[LabLayout.Label.role] == "edge" }, containers: containers,
            networks: networks, volumes: volumes,
            directory: labels.lazy.compactMap { $0[LabLayout.Label.directory] }.first,
            entryPort: labels.lazy.compactMap { $0[LabLayout.Label.entryPort].flatMap(Int.init) }.first,
            dataDirectory: labels.lazy.compactMap { $0[LabLayout.Label.data] }.first)
    }

    /// Lab `name`'s objects; fails with a clear message when there is none.
    func existingLab(_ name: String) async throws -> LabObjects {
        let objects = try await labObjects(name)
        guard !objects.nodes.isEmpty else {
            throw OperationFailure(
                "no lab \"\(name)\" on the engine at \(host); `twip lab up` makes one")
        }
        return objects
    }

    /// The node named `node` of `lab`; an unknown name is a usage error naming the known ones.
    func labNode(_ node: String, of lab: LabObjects) throws -> LabNode {
        guard let found = lab.nodes.first(where: { $0.name == node }) else {
            throw UsageFailure(
                "no node \"\(node)\" in lab \(lab.name); its nodes: \(lab.nodes.map(\.name).joined(separator: ", "))")
        }
        return found
    }
}

/// A client of one node's Engine API, closed on every path.
func withNodeClient<T: Sendable>(
    port: Int, _ body: (DockerClient) async throws -> T
) async throws -> T {
    let client = DockerClient(host: .tcp(host: "127.0.0.1", port: port))
    do {
        let result = try await body(client)
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Waits until `probe` returns true, checking every half second until `timeout`; false when it never did.
func poll(timeout: Duration, _ probe: () async -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        try Task.checkCancellation()
        if await probe() { return true }
        try await Task.sleep(for: .milliseconds(500))
    }
    return await probe()
}

extension EngineSession {
    /// Opens a session on the engine the lab runs on. The engine the environment names is used, except when it is
    /// a lab node itself (a lab's context, as `twip lab up` suggests using, or a node's `DOCKER_HOST`): the lab's
    /// nodes publish their APIs on 127.0.0.1, so their host engine is this machine's socket.
    public static func withLabHost<T: Sendable>(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (EngineSession) async throws -> T
    ) async throws -> T {
        if let local = localEnvironment(ifLabContextIn: environment) {
            return try await with(environment: local, body)
        }
        if let host = environment["DOCKER_HOST"], !host.isEmpty {
            let isNode =
                (try? await with(environment: environment) { session in
                    (try await session.client.info().labels ?? []).contains { $0.hasPrefix(LabLayout.Label.lab + "=") }
                }) ?? false
            if isNode { return try await with(environment: local(environment), body) }
        }
        return try await with(environment: environment, body)
    }

    /// `environment` pointed at the local socket when the Docker context it names was written by `twip lab`.
    static func localEnvironment(ifLabContextIn environment: [String: String]) -> [String: String]? {
        guard environment["DOCKER_HOST"].map({ $0.isEmpty }) ?? true else { return nil }
        let directory = DockerConfigFile.directory(environment: environment)
        let name =
            environment["DOCKER_CONTEXT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (try? DockerConfigFile.load(path: directory + "/config.json"))??.currentContext
        guard let name, name != DockerContext.defaultName,
            let context = try? DockerContextStore(configDirectory: directory).context(named: name),
            context.description.hasPrefix("twip lab ")
        else { return nil }
        return local(environment)
    }

    private static func local(_ environment: [String: String]) -> [String: String] {
        var local = environment
        local["DOCKER_HOST"] = nil
        local["DOCKER_CONTEXT"] = DockerContext.defaultName
        return local
    }
}
