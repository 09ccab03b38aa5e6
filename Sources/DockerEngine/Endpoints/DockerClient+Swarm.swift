import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// What this engine is in a swarm (`GET /info`): inactive, or an active worker or manager.
    public func localSwarmState() async throws -> LocalSwarmState {
        let swarm = try await decode(InfoSwarm.self, EngineRequest(.GET, "/info", operation: "read swarm state")).swarm
        return LocalSwarmState(
            localNodeState: swarm?.localNodeState ?? "inactive",
            nodeID: swarm?.nodeID.flatMap { $0.isEmpty ? nil : $0 },
            isManager: swarm?.controlAvailable ?? false, nodeAddress: swarm?.nodeAddr,
            managers: swarm?.remoteManagers?.compactMap(\.addr) ?? [])
    }

    /// The swarm this engine manages, with its join tokens (`GET /swarm`; managers only).
    public func inspectSwarm() async throws -> SwarmInspect {
        try await decode(SwarmInspect.self, EngineRequest(.GET, "/swarm", operation: "inspect swarm"))
    }

    /// Makes this engine the first manager of a new swarm and returns its node ID.
    @discardableResult
    public func initSwarm(_ request: SwarmInitRequest) async throws -> String {
        try await decode(
            String.self,
            EngineRequest(.POST, "/swarm/init", body: try .json(request), operation: "initialize swarm"))
    }

    /// Makes this engine a node of the swarm the request's managers run.
    public func joinSwarm(_ request: SwarmJoinRequest) async throws {
        try await perform(
            EngineRequest(.POST, "/swarm/join", body: try .json(request), operation: "join swarm"))
    }

    /// Takes this engine out of its swarm (`force` for the last manager, which ends the swarm).
    public func leaveSwarm(force: Bool = false) async throws {
        try await perform(
            EngineRequest(.POST, "/swarm/leave", query: [("force", force ? "1" : nil)], operation: "leave swarm"))
    }

    /// Lists the swarm's nodes, optionally filtered (e.g. by role).
    public func listNodes(filters: Filters = [:]) async throws -> [SwarmNode] {
        try await decode(
            [SwarmNode].self,
            EngineRequest(.GET, "/nodes", query: [("filters", filters.queryValue)], operation: "list nodes"))
    }
}

extension DockerClient {
    /// Creates a service and returns its ID with the engine's warnings.
    @discardableResult
    public func createService(_ spec: ServiceSpec, registryAuth: String? = nil) async throws -> ServiceWriteResponse {
        try await decode(
            ServiceWriteResponse.self,
            EngineRequest(
                .POST, "/services/create", headers: registryAuth.map { [("X-Registry-Auth", $0)] } ?? [],
                body: try .json(spec), operation: "create service", object: spec.name))
    }

    /// Inspects a service; a missing one throws an `EngineError` whose `isNotFound` is true.
    public func inspectService(_ id: String) async throws -> SwarmService {
        try await decode(
            SwarmService.self,
            EngineRequest(.GET, "/services/\(EngineRequest.segment(id))", operation: "inspect service", object: id))
    }

    /// Replaces a service's spec; `version` must be the one last read, else the engine answers "update out of
    /// sequence". With `rollback`, the engine returns the service to its previous spec (`spec` is then ignored by
    /// the engine but still required by the API).
    @discardableResult
    public func updateService(_ id: String, version: ObjectVersion, spec: ServiceSpec, rollback: Bool = false)
        async throws -> ServiceWriteResponse
    {
        try await decode(
            ServiceWriteResponse.self,
            EngineRequest(
                .POST, "/services/\(EngineRequest.segment(id))/update",
                query: [("version", String(version.index)), ("rollback", rollback ? "previous" : nil)],
                body: try .json(spec), operation: rollback ? "roll back service" : "update service", object: id))
    }

    /// Removes a service (its tasks' containers are stopped and removed by the swarm).
    public func removeService(_ id: String) async throws {
        try await perform(
            EngineRequest(.DELETE, "/services/\(EngineRequest.segment(id))", operation: "remove service", object: id))
    }

    /// Lists services, optionally filtered (e.g. by label), with their running and desired task counts.
    public func listServices(filters: Filters = [:]) async throws -> [SwarmService] {
        try await decode(
            [SwarmService].self,
            EngineRequest(
                .GET, "/services", query: [("filters", filters.queryValue), ("status", "true")],
                operation: "list services"))
    }

    /// Streams the output of every task of a service, multiplexed like a container's.
    public func serviceLogs(_ id: String, options: LogOptions = LogOptions()) async throws -> LogStream {
        let response = try await send(
            EngineRequest(
                .GET, "/services/\(EngineRequest.segment(id))/logs",
                query: [
                    ("follow", options.follow ? "1" : "0"), ("stdout", options.stdout ? "1" : "0"),
                    ("stderr", options.stderr ? "1" : "0"), ("tail", options.tail.map(String.init) ?? "all"),
                    ("timestamps", options.timestamps ? "1" : "0"), ("since", options.since.map(String.init)),
                ],
                operation: "read logs of service", object: id))
        return LogStream(body: response.body, multiplexed: true)
    }

    /// Lists tasks, optionally filtered (`service`, `desired-state`, `node`, `label`).
    public func listTasks(filters: Filters = [:]) async throws -> [SwarmTask] {
        try await decode(
            [SwarmTask].self,
            EngineRequest(.GET, "/tasks", query: [("filters", filters.queryValue)], operation: "list tasks"))
    }
}
