public import Foundation

/// One plan step starting or ending, as the executor reports it: what the step is about (service, replica,
/// containers or object, by their engine names), why it runs, and when and how long it ran.
public struct StepEvent: Sendable, Hashable {
    /// Where the step is.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case started
        case done
        case failed
        /// A release that failed and was undone: the previous replicas serve.
        case rolledBack = "rolled-back"
    }

    /// Numbers the steps of one run from 1, so that a step's start and end pair up even when steps run side by side.
    public var id: Int
    public var step: Step
    public var state: State
    /// The service the step is about, when it is about one.
    public var service: String?
    /// The replica number the step is about, when it is about one.
    public var replica: Int?
    /// The containers the step acts on or waits for, by engine name.
    public var containers: [String]
    /// The network, volume or image the step acts on, when it is about one.
    public var object: String?
    /// When the step started.
    public var startedAt: Date
    /// When this event happened (the start itself for `started`).
    public var at: Date
    /// How long the step ran; nil while it runs.
    public var duration: Duration?
    /// Why it failed, for `failed` and `rolled-back`.
    public var error: String?

    public init(
        id: Int, step: Step, names: EnvironmentNames, state: State, startedAt: Date, at: Date,
        duration: Duration? = nil, error: String? = nil
    ) {
        self.id = id
        self.step = step
        self.state = state
        self.startedAt = startedAt
        self.at = at
        self.duration = duration
        self.error = error
        (service, replica, containers, object) = Self.subject(of: step, names: names)
    }

    /// The duration in seconds, for text and JSON.
    public var seconds: Double? {
        duration.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }

    /// What `step` is about, with engine names.
    static func subject(of step: Step, names: EnvironmentNames)
        -> (service: String?, replica: Int?, containers: [String], object: String?)
    {
        switch step.kind {
        case .createNetwork(let name): (nil, nil, [], names.network(name))
        case .createVolume(let name): (nil, nil, [], names.volume(name))
        case .removeNetwork(let name), .removeVolume(let name): (nil, nil, [], name)
        case .waitForDependencies(let service): (service, nil, [], nil)
        case .create(let service, let replica):
            (service, replica, [names.container(service: service, replica: replica)], nil)
        case .createReplacement(let service, let replica, let name): (service, replica, [name], nil)
        case .start(let container), .remove(let container), .restart(let container), .stop(let container):
            (container.service, container.replica, [container.name], nil)
        case .waitUntilReady(let containers), .leaveProxies(let containers), .rejoinProxies(let containers),
            .monitor(let containers, _):
            (nil, nil, containers, nil)
        case .removeIfPresent(let name): (nil, nil, [name], nil)
        case .keepPrevious(let reference, _): (nil, nil, [], reference)
        case .release(let release): (release.service, nil, [], nil)
        case .drain, .syncProxies, .pause, .together: (nil, nil, [], nil)
        }
    }
}

extension Step.Kind {
    /// The kind's name, as JSON events carry it (`createReplacement`, `waitUntilReady`, ...).
    public var name: String {
        switch self {
        case .createNetwork: "createNetwork"
        case .createVolume: "createVolume"
        case .waitForDependencies: "waitForDependencies"
        case .create: "create"
        case .start: "start"
        case .waitUntilReady: "waitUntilReady"
        case .leaveProxies: "leaveProxies"
        case .rejoinProxies: "rejoinProxies"
        case .drain: "drain"
        case .remove: "remove"
        case .restart: "restart"
        case .syncProxies: "syncProxies"
        case .removeNetwork: "removeNetwork"
        case .removeVolume: "removeVolume"
        case .together: "together"
        case .createReplacement: "createReplacement"
        case .stop: "stop"
        case .removeIfPresent: "removeIfPresent"
        case .monitor: "monitor"
        case .pause: "pause"
        case .keepPrevious: "keepPrevious"
        case .release: "release"
        }
    }
}

extension Step {
    /// The step's text without its cause (`create and start web replica 2`).
    public var action: String {
        let text = description
        let suffix = " (\(cause))"
        return text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text
    }
}
