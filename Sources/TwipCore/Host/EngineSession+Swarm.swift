public import DockerEngine

/// Which kind of node a join token admits.
public enum SwarmRole: String, Sendable, CaseIterable {
    case worker, manager
}

/// What `twip setup --swarm` found or did, and how other engines join.
public struct SwarmSetup: Sendable, Equatable {
    /// True when this run made the engine a swarm manager; false when it already was one.
    public var created: Bool
    public var nodeID: String
    /// The command each kind of node runs to join, e.g. `docker swarm join --token SWMTKN-... 127.0.0.1:2377`.
    public var joinCommands: [SwarmRole: String]
}

extension EngineSession {
    /// The address a new one-node swarm advertises: loopback, so that it works on a machine with no routable
    /// address; nodes on other machines need a manager advertising a reachable one (`docker swarm init
    /// --advertise-addr`), which twip then uses as it finds it.
    public static let swarmAdvertiseAddress = "127.0.0.1"

    /// Makes this engine the manager of a one-node swarm when it is in none; does nothing when it is a manager
    /// already; fails when it is a worker (services are changed through managers).
    public func setupSwarm() async throws -> SwarmSetup {
        var state = try await client.localSwarmState()
        var created = false
        if !state.isActive {
            guard state.localNodeState == "inactive" else {
                throw OperationFailure(
                    "the engine at \(host) is in swarm state \"\(state.localNodeState)\"; "
                        + "resolve it (docker swarm leave, or unlock it) and run `twip setup --swarm` again")
            }
            try await client.initSwarm(
                SwarmInitRequest(listenAddr: "0.0.0.0:2377", advertiseAddr: Self.swarmAdvertiseAddress))
            created = true
            state = try await client.localSwarmState()
        }
        try requireManager(state)
        var commands: [SwarmRole: String] = [:]
        for role in SwarmRole.allCases { commands[role] = try await joinCommand(role, state: state) }
        return SwarmSetup(created: created, nodeID: state.nodeID ?? "", joinCommands: commands)
    }

    /// The token a node of `role` presents to join this engine's swarm.
    public func joinToken(_ role: SwarmRole) async throws -> String {
        try requireManager(try await client.localSwarmState())
        guard let tokens = try await client.inspectSwarm().joinTokens else {
            throw OperationFailure("the swarm at \(host) did not give its join tokens")
        }
        return role == .worker ? tokens.worker : tokens.manager
    }

    /// The whole command another engine runs to join as `role`.
    public func joinCommand(_ role: SwarmRole) async throws -> String {
        try await joinCommand(role, state: try await client.localSwarmState())
    }

    private func joinCommand(_ role: SwarmRole, state: LocalSwarmState) async throws -> String {
        let token = try await joinToken(role)
        let manager = state.managers.first ?? "\(state.nodeAddress ?? Self.swarmAdvertiseAddress):2377"
        return "docker swarm join --token \(token) \(manager)"
    }

    /// Whether this engine manages a swarm (it can run swarm stacks).
    public func isSwarmManager() async throws -> Bool {
        let state = try await client.localSwarmState()
        return state.isActive && state.isManager
    }

    func requireManager(_ state: LocalSwarmState) throws {
        guard state.isActive else {
            throw OperationFailure("the engine at \(host) is not in a swarm; run `twip setup --swarm`")
        }
        guard state.isManager else {
            throw OperationFailure(
                "the engine at \(host) is a swarm worker; point DOCKER_HOST at a manager to change services")
        }
    }
}
