import TwipStack

extension Environment {
    /// The swarm backend when the stack says `x-twip: {orchestrator: swarm}`; nil for containers on one engine.
    var swarm: SwarmBackend? {
        guard stack.orchestrator == .swarm else { return nil }
        var backend = SwarmBackend(
            client: session.client, stack: stack, names: names, processEnvironment: processEnvironment,
            report: report)
        backend.pollInterval = pollInterval
        return backend
    }

    /// True when the stack runs on a swarm.
    public var isSwarm: Bool { stack.orchestrator == .swarm }
}
