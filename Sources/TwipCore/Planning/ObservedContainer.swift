/// A container twip found on the engine through its labels.
public struct ObservedContainer: Sendable, Hashable {
    /// The container's run state as the engine reports it.
    public enum State: String, Sendable, Hashable {
        case created, running, paused, restarting, removing, exited, dead
    }

    /// The container's health as the engine reports it; `none` when it has no health check.
    public enum Health: String, Sendable, Hashable {
        case none, starting, healthy, unhealthy
    }

    public var id: String
    public var name: String
    public var service: String
    public var replica: Int
    public var configHash: String
    public var imageID: String
    public var state: State
    public var health: Health

    public init(
        id: String, name: String, service: String, replica: Int, configHash: String, imageID: String,
        state: State, health: Health = .none
    ) {
        self.id = id
        self.name = name
        self.service = service
        self.replica = replica
        self.configHash = configHash
        self.imageID = imageID
        self.state = state
        self.health = health
    }
}

/// What the stack wants of one service, reduced to what the planner compares.
public struct DesiredService: Sendable, Hashable {
    public var name: String
    public var replicas: Int
    public var configHash: String
    /// The ID of the image the service's reference points at now; nil when unknown (not built yet).
    public var imageID: String?

    public init(name: String, replicas: Int, configHash: String, imageID: String?) {
        self.name = name
        self.replicas = replicas
        self.configHash = configHash
        self.imageID = imageID
    }
}
