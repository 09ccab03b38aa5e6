/// Where an environment runs: containers on one engine today, Swarm services later. The planner and the executor
/// work through this seam; a backend observes, carries out one step as engine calls, and reads what the executor
/// waits on and what `ps` and `logs` show.
public protocol Backend: Sendable {
    /// How the environment's objects are named on the engine.
    var names: EnvironmentNames { get }

    /// One look at the environment: its containers, networks and volumes, and the IDs of `imageReferences`.
    func observe(imageReferences: [String]) async throws -> ObservedState

    /// The environment's containers (or tasks) alone, as `ps` shows them: no networks, volumes or images asked for.
    func containers() async throws -> [ObservedContainer]

    /// Carries out one step (never `together`, `drain` or a wait: the executor runs those).
    func apply(_ step: Step) async throws

    /// The state of one container, by name or ID, as readiness judges it.
    func snapshot(of container: String) async throws -> ContainerSnapshot

    /// The last `count` lines of a container's output (both streams), oldest first.
    func lastLines(of container: String, count: Int) async throws -> [String]

    /// Waits until a container exits and returns its exit code.
    func exitCode(of container: String) async throws -> Int

    /// Streams the output of `containers`, line by line, until it ends (or forever with `follow`).
    func logs(of containers: [ObservedContainer], follow: Bool, tail: Int?, line: @escaping @Sendable (LogLine) -> Void)
        async throws
}

extension Backend {
    public func containers() async throws -> [ObservedContainer] {
        try await observe(imageReferences: []).containers
    }
}

/// One line of a container's output.
public struct LogLine: Sendable, Hashable {
    public var container: String
    public var text: String
    /// True for standard error.
    public var isError: Bool

    public init(container: String, text: String, isError: Bool = false) {
        self.container = container
        self.text = text
        self.isError = isError
    }
}

/// What an environment operation reports while it works, one event per change, for text or JSON output.
public enum Progress: Sendable, Hashable, CustomStringConvertible {
    case networkCreated(String)
    case volumeCreated(String)
    case started(String)
    case removed(String, cause: Cause)
    case restarted(String)
    case stopped(String)
    case rolledBack(service: String)
    case networkRemoved(String)
    case volumeRemoved(String)
    case nothingToChange(environment: String, upToDate: Int)
    case ready(environment: String)
    case nothingToRemove(environment: String)
    case scaled(service: String, replicas: Int, changed: Bool)
    case waitingForLock(holder: String)
    case proxiesRepaired(environment: String)
    case proxiesNotRepaired(String)
    case warning(String)
    case serviceCreated(String)
    case serviceUpdated(String)
    case serviceRemoved(String)
    case serviceRolledBack(service: String, reason: String)
    case registryChosen(ImageRegistry)
    case imagePushing(service: String, source: String, reference: String)
    case imagePushed(reference: String, digest: String)
    case imageInRegistry(service: String, reference: String, digest: String)
    /// A plan step started or ended (reported by the executor).
    case step(StepEvent)

    /// Whether the event tells what a plan step did (a container started, a network removed, ...): the step's own
    /// event says the same, so a renderer that shows step events leaves these out.
    public var isStepOutcome: Bool {
        switch self {
        case .networkCreated, .volumeCreated, .started, .removed, .restarted, .stopped, .networkRemoved,
            .volumeRemoved:
            true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .networkCreated(let name): "network \(name) created"
        case .volumeCreated(let name): "volume \(name) created"
        case .started(let name): "\(name) started"
        case .removed(let name, .down): "\(name) removed"
        case .removed(let name, let cause): "\(name) removed (\(cause))"
        case .restarted(let name): "\(name) restarted"
        case .stopped(let name): "\(name) stopped (kept until the release is done)"
        case .rolledBack(let service): "\(service): release rolled back; the previous replicas serve"
        case .networkRemoved(let name): "network \(name) removed"
        case .volumeRemoved(let name): "volume \(name) removed"
        case .nothingToChange(let environment, let count):
            "\(environment): nothing to change; \(count) container(s) up to date"
        case .ready(let environment): "\(environment): every container is running and healthy"
        case .nothingToRemove(let environment): "\(environment): no containers to remove"
        case .scaled(let service, let count, let changed):
            "\(service): \(count) replica\(count == 1 ? "" : "s")\(changed ? "" : " (unchanged)")"
        case .waitingForLock(let holder): "waiting for \(holder) to finish with this environment"
        case .proxiesRepaired(let environment):
            "\(environment): the proxies send traffic to the live, healthy replicas again"
        case .proxiesNotRepaired(let why): "could not bring the proxies back to the live replicas: \(why)"
        case .warning(let text): "warning: \(text)"
        case .serviceCreated(let name): "service \(name) created"
        case .serviceUpdated(let name): "service \(name) updated"
        case .serviceRemoved(let name): "service \(name) removed"
        case .serviceRolledBack(let name, let reason): "service \(name) rolled back to its previous spec: \(reason)"
        case .registryChosen(let registry): "images go through registry \(registry)"
        case .imagePushing(let service, let source, let reference): "\(service): pushing \(source) as \(reference)"
        case .imagePushed(let reference, let digest): "pushed \(reference) (\(digest))"
        case .imageInRegistry(let service, let reference, let digest):
            "\(service): \(reference) already in the registry (\(digest)), not pushed"
        case .step(let event):
            "\(event.step.action): \(event.state.rawValue)"
                + (event.seconds.map { " (\(($0 * 10).rounded() / 10) s)" } ?? "")
        }
    }
}

/// Receives progress events.
public typealias ProgressSink = @Sendable (Progress) -> Void
