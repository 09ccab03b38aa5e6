/// Why an existing replica must be replaced.
public enum RecreateReason: String, Sendable, Hashable {
    case configChanged = "configuration changed"
    case imageChanged = "image changed"
    case failed = "container is dead"
}

/// Why an existing container must go.
public enum RemoveReason: String, Sendable, Hashable {
    case scaledDown = "above the wanted replica count"
    case orphan = "service is no longer in the stack"
    case duplicate = "duplicate replica number"
}

/// One change the engine needs so that it matches the stack.
public enum Action: Sendable, Hashable {
    case create(service: String, replica: Int)
    case recreate(ObservedContainer, reason: RecreateReason)
    case start(ObservedContainer)
    case remove(ObservedContainer, reason: RemoveReason)

    /// The service the action belongs to.
    public var service: String {
        switch self {
        case .create(let service, _): service
        case .recreate(let container, _), .start(let container), .remove(let container, _): container.service
        }
    }

    /// The replica number the action is about.
    public var replica: Int {
        switch self {
        case .create(_, let replica): replica
        case .recreate(let container, _), .start(let container), .remove(let container, _): container.replica
        }
    }
}

/// The changes that make the engine match the stack, in the order they should happen per service.
public struct Plan: Sendable, Hashable {
    public var actions: [Action]
    /// Replicas that already match the stack and stay as they are.
    public var unchanged: [ObservedContainer]

    public init(actions: [Action] = [], unchanged: [ObservedContainer] = []) {
        self.actions = actions
        self.unchanged = unchanged
    }

    public var isEmpty: Bool { actions.isEmpty }

    /// The actions that concern `service`.
    public func actions(for service: String) -> [Action] {
        actions.filter { $0.service == service }
    }
}
