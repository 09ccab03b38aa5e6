import Foundation

/// Why an existing replica must be replaced.
public enum RecreateReason: String, Sendable, Hashable {
    case configChanged = "configuration changed"
    case imageChanged = "image changed"
    case failed = "container is dead"
    /// `restart` of a proxy replaced by generations: a fresh generation takes over instead of a stop and a start.
    case restartRequested = "restart requested"
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
    case rolledBack

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
        case .rolledBack: "rolling back the release"
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
        /// Take these containers (by name) out of every proxy's rotation (in-flight requests go on); they stay out
        /// until they rejoin.
        case leaveProxies([String])
        /// Let containers that left the proxies back in (once they serve).
        case rejoinProxies([String])
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
        /// Create and start a replacement of replica `replica` of `service` beside the old one, under `name`.
        case createReplacement(service: String, replica: Int, name: String)
        /// Stop a container and keep it, so that a rollback can start it again.
        case stop(ObservedContainer)
        /// Remove the container with this name if it exists (a rollback's cleanup).
        case removeIfPresent(String)
        /// Watch these containers for a while after they took traffic: one that fails fails the step.
        case monitor([String], Duration)
        /// Wait this long (update_config's delay between batches).
        case pause(Duration)
        /// Tag the image a service ran until now as its `previous` release, so `rollback` needs no rebuild.
        case keepPrevious(reference: String, imageID: String)
        /// Replace a service's replicas batch by batch, undoing on failure as its update_config says.
        case release(Release)
    }

    public var kind: Kind
    public var cause: Cause

    public init(_ kind: Kind, _ cause: Cause) {
        self.kind = kind
        self.cause = cause
    }

    /// Every step this one holds (for `together`, the steps of every sequence; for a release, its batches).
    public var flattened: [Step] {
        switch kind {
        case .together(let sequences): sequences.flatMap { $0.flatMap(\.flattened) }
        case .release(let release): release.batches.flatMap { $0.steps.flatMap(\.flattened) } + release.finish
        default: [self]
        }
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
            case .leaveProxies(let names): "take \(names.joined(separator: ", ")) out of the proxies"
            case .rejoinProxies(let names): "let \(names.joined(separator: ", ")) back into the proxies"
            case .drain: "let in-flight requests finish"
            case .remove(let container): "stop and remove \(container.name)"
            case .restart(let container): "restart \(container.name)"
            case .syncProxies: "update the proxies"
            case .removeNetwork(let name): "remove network \(name)"
            case .removeVolume(let name): "remove volume \(name)"
            case .together(let sequences): "together: \(sequences.count) sequence(s)"
            case .createReplacement(let service, let replica, let name):
                "create and start \(name) to replace \(service) replica \(replica)"
            case .stop(let container): "stop \(container.name) (kept for a rollback)"
            case .removeIfPresent(let name): "remove \(name) if present"
            case .monitor(let names, let duration):
                "watch \(names.joined(separator: ", ")) for \(Release.text(duration))"
            case .pause(let duration): "pause \(Release.text(duration))"
            case .keepPrevious(let reference, let id):
                "keep image \(id.replacingOccurrences(of: "sha256:", with: "").prefix(12)) as the previous release of \(reference)"
            case .release(let release):
                "release \(release.service): \(release.batches.count) batch(es), \(release.order.rawValue), on failure \(release.failureAction.rawValue)"
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

/// How a service's changed replicas are replaced: in batches (update_config's parallelism), each batch's steps and
/// what undoes it, what to do when one fails, and what ends the release.
public struct Release: Sendable, Hashable {
    /// One batch: the steps that replace some replicas, and the steps that undo them (idempotent, safe to run after
    /// any prefix of `steps`).
    public struct Batch: Sendable, Hashable {
        public var steps: [Step]
        public var undo: [Step]
        /// The replicas it replaces (what max_failure_ratio counts).
        public var replicas: [Int]
    }

    public var service: String
    public var order: UpdateOrder
    public var batches: [Batch]
    /// After the last batch: the old containers kept for a rollback are removed.
    public var finish: [Step]
    public var failureAction: UpdateFailureAction
    /// How many replicas may fail before `failureAction` applies (max_failure_ratio × replicas, rounded down).
    public var allowedFailures: Int
    /// Between batches.
    public var delay: Duration?

    static func text(_ duration: Duration) -> String {
        let (seconds, atto) = duration.components
        let milliseconds = atto / 1_000_000_000_000_000
        return milliseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(milliseconds) / 1000) s"
    }
}

/// Which of the old and new replica runs first during a release.
public enum UpdateOrder: String, Sendable, Hashable {
    case startFirst = "start-first"
    case stopFirst = "stop-first"
}

/// What a release does when a new replica fails.
public enum UpdateFailureAction: String, Sendable, Hashable {
    case rollback, pause, `continue`
}

extension Step {
    /// Whether the step changes an object on the engine (waits and proxy syncs alone do not make a plan non-empty).
    var changesSomething: Bool {
        switch kind {
        case .waitForDependencies, .waitUntilReady, .drain, .syncProxies, .rejoinProxies, .together, .monitor, .pause:
            false
        default: true
        }
    }
}
