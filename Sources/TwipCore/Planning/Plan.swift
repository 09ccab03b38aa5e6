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

/// One replica-level difference between the stack and the engine.
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

/// Why a step is in the plan, in the operator's words.
public enum Cause: Sendable, Hashable, CustomStringConvertible {
    case missing
    case stopped
    case scaledUp
    case scaledDown
    case replaced(RecreateReason)
    case removed(RemoveReason)
    case dependsOn(String)
    case proxyFollows
    case waitRequested
    case down
    case restartRequested

    public var description: String {
        switch self {
        case .missing: "not there yet"
        case .stopped: "not running"
        case .scaledUp: "below the wanted replica count"
        case .scaledDown: "scaled down"
        case .replaced(let reason): reason.rawValue
        case .removed(.orphan): "service no longer in the stack"
        case .removed(let reason): reason.rawValue
        case .dependsOn(let services): "depends on \(services)"
        case .proxyFollows: "the proxy follows the live, healthy replicas"
        case .waitRequested: "--wait"
        case .down: "down"
        case .restartRequested: "restart"
        }
    }
}

/// One step of a plan: a few engine calls with the reason they are made.
public struct Step: Sendable, Hashable, CustomStringConvertible {
    /// What a step does.
    public indirect enum Kind: Sendable, Hashable {
        /// Create the network with this engine name.
        case createNetwork(String)
        /// Create the named volume with this engine name.
        case createVolume(String)
        /// Wait until what `service` depends on is running, healthy or completed, as its conditions say.
        case waitForDependencies(service: String)
        /// Create and start replica `replica` of `service` (a proxy gets its backends file before it starts).
        case create(service: String, replica: Int)
        /// Start an existing, stopped container.
        case start(ObservedContainer)
        /// Wait until these containers (by name) run and are healthy.
        case waitUntilReady([String])
        /// Take these containers out of every proxy's rotation (in-flight requests go on).
        case leaveProxies([ObservedContainer])
        /// Give in-flight requests time to finish.
        case drain
        /// Stop (honouring the service's grace period) and remove a container.
        case remove(ObservedContainer)
        /// Restart a container in place.
        case restart(ObservedContainer)
        /// Make every running proxy's backends equal to the live, healthy replicas.
        case syncProxies
        /// Remove the network or volume with this engine name.
        case removeNetwork(String)
        case removeVolume(String)
        /// Run these sequences of steps at the same time; each sequence runs in order.
        case together([[Step]])
    }

    public var kind: Kind
    public var cause: Cause

    public init(_ kind: Kind, _ cause: Cause) {
        self.kind = kind
        self.cause = cause
    }

    /// Every step this one holds, itself first (for `together`, the steps of every sequence).
    public var flattened: [Step] {
        guard case .together(let sequences) = kind else { return [self] }
        return sequences.flatMap { $0.flatMap(\.flattened) }
    }

    public var description: String {
        let what =
            switch kind {
            case .createNetwork(let name): "create network \(name)"
            case .createVolume(let name): "create volume \(name)"
            case .waitForDependencies(let service): "wait for the dependencies of \(service)"
            case .create(let service, let replica): "create and start \(service) replica \(replica)"
            case .start(let container): "start \(container.name)"
            case .waitUntilReady(let names): "wait until \(names.joined(separator: ", ")) ready"
            case .leaveProxies(let containers):
                "take \(containers.map(\.name).joined(separator: ", ")) out of the proxies"
            case .drain: "let in-flight requests finish"
            case .remove(let container): "stop and remove \(container.name)"
            case .restart(let container): "restart \(container.name)"
            case .syncProxies: "update the proxies"
            case .removeNetwork(let name): "remove network \(name)"
            case .removeVolume(let name): "remove volume \(name)"
            case .together(let sequences): "together: \(sequences.count) sequence(s)"
            }
        return "\(what) (\(cause))"
    }
}

/// What `up`, `down` or `restart` will do, step by step, and what stays as it is.
public struct Plan: Sendable, Hashable {
    /// Replica-level differences the steps carry out.
    public var actions: [Action]
    /// Replicas that already match the stack and stay as they are.
    public var unchanged: [ObservedContainer]
    /// The ordered steps; `together` steps run sequences concurrently.
    public var steps: [Step]

    public init(actions: [Action] = [], unchanged: [ObservedContainer] = [], steps: [Step] = []) {
        self.actions = actions
        self.unchanged = unchanged
        self.steps = steps
    }

    /// True when nothing on the engine changes.
    public var isEmpty: Bool { actions.isEmpty && !steps.flatMap(\.flattened).contains { $0.changesSomething } }

    /// The actions that concern `service`.
    public func actions(for service: String) -> [Action] {
        actions.filter { $0.service == service }
    }

    /// The plan as indented lines, one step each, `together` sequences shown as branches.
    public var lines: [String] {
        func render(_ steps: [Step], indent: String) -> [String] {
            steps.flatMap { step -> [String] in
                guard case .together(let sequences) = step.kind else { return [indent + step.description] }
                let live = sequences.filter { !$0.isEmpty }
                if live.count == 1 { return render(live[0], indent: indent) }
                return live.enumerated().flatMap { index, sequence in
                    ["\(indent)[\(index + 1)]"] + render(sequence, indent: indent + "    ")
                }
            }
        }
        return render(steps, indent: "")
    }
}

extension Step {
    /// Whether the step changes an object on the engine (waits and proxy syncs alone do not make a plan non-empty).
    var changesSomething: Bool {
        switch kind {
        case .waitForDependencies, .waitUntilReady, .drain, .syncProxies, .together: false
        default: true
        }
    }
}
