/// Where a stack runs, chosen with the top-level `x-twip: {orchestrator: ...}` extension.
public enum Orchestrator: String, Sendable, Equatable, CaseIterable {
    /// Containers on one engine, managed by twip (the default).
    case containers
    /// Docker Swarm services, managed by the swarm's orchestrator.
    case swarm
}

/// The `deploy` keys only a swarm acts on: how tasks are scheduled, restarted, rolled back and reached.
public struct SwarmDeploy: Sendable, Equatable {
    /// One task per replica, or one per node.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case replicated, global
    }

    /// How other services reach this one: a virtual IP, or DNS round robin over the tasks' addresses.
    public enum EndpointMode: String, Sendable, Equatable, CaseIterable {
        case vip, dnsrr
    }

    public var mode: Mode?
    /// Constraints such as `node.role == manager`.
    public var placementConstraints: [String]
    /// At most this many tasks on one node.
    public var maxReplicasPerNode: Int?
    public var restartPolicy: SwarmRestart?
    public var rollbackConfig: UpdateConfig?
    /// Labels of the service itself (not of its containers).
    public var labels: [String: String]
    public var endpointMode: EndpointMode?

    /// Creates the swarm part of a deploy section; nothing set by default.
    public init(
        mode: Mode? = nil, placementConstraints: [String] = [], maxReplicasPerNode: Int? = nil,
        restartPolicy: SwarmRestart? = nil, rollbackConfig: UpdateConfig? = nil, labels: [String: String] = [:],
        endpointMode: EndpointMode? = nil
    ) {
        self.mode = mode
        self.placementConstraints = placementConstraints
        self.maxReplicasPerNode = maxReplicasPerNode
        self.restartPolicy = restartPolicy
        self.rollbackConfig = rollbackConfig
        self.labels = labels
        self.endpointMode = endpointMode
    }

    /// True when no swarm key was written.
    public var isEmpty: Bool { self == SwarmDeploy() }
}

/// `deploy.restart_policy`: when the swarm replaces a task that ended.
public struct SwarmRestart: Sendable, Equatable {
    /// Which endings restart a task.
    public enum Condition: String, Sendable, Equatable, CaseIterable {
        case none
        case onFailure = "on-failure"
        case any
    }

    public var condition: Condition?
    public var delay: Duration?
    public var maxAttempts: Int?
    public var window: Duration?

    /// Creates a restart policy.
    public init(
        condition: Condition? = nil, delay: Duration? = nil, maxAttempts: Int? = nil, window: Duration? = nil
    ) {
        self.condition = condition
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.window = window
    }
}
