import TwipStack

extension Environment {
    /// The swarm backend when the stack says `x-twip: {orchestrator: swarm}`; nil for containers on one engine.
    var swarm: SwarmBackend? {
        guard stack.orchestrator == .swarm else { return nil }
        var backend = SwarmBackend(
            client: session.client, stack: stack, names: names, processEnvironment: processEnvironment,
            report: report)
        backend.pollInterval = pollInterval
        backend.givenRegistry = registry
        return backend
    }

    /// True when the stack runs on a swarm.
    public var isSwarm: Bool { stack.orchestrator == .swarm }

    /// On a swarm, what `up` would change, one line per service; nil for containers (see `plan`).
    public func swarmPreview(selection: [String]? = nil) async throws -> [String]? {
        try await swarm?.preview(selection: selection)
    }
}
