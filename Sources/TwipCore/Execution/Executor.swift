public import TwipStack

/// Carries out a plan on a backend, step by step: `together` sequences side by side, drains, and the waits on
/// readiness and dependencies; every other step is the backend's.
public struct Executor: Sendable {
    public var backend: any Backend
    public var stack: Stack
    /// How long a replica taken out of a proxy keeps running so in-flight requests finish.
    public var drainTime: Duration = .seconds(2)
    /// How often readiness is polled.
    public var pollInterval: Duration = .milliseconds(500)

    public init(backend: any Backend, stack: Stack) {
        self.backend = backend
        self.stack = stack
    }

    /// Runs `steps` in order; the first failure stops the rest (and the other sequences of a `together`).
    public func run(_ steps: [Step], deadline: ContinuousClock.Instant) async throws {
        for step in steps {
            try Task.checkCancellation()
            try await run(step, deadline: deadline)
        }
    }

    func run(_ step: Step, deadline: ContinuousClock.Instant) async throws {
        switch step.kind {
        case .together(let sequences):
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sequence in sequences {
                    group.addTask { try await run(sequence, deadline: deadline) }
                }
                try await group.waitForAll()
            }
        case .drain:
            try await Task.sleep(for: drainTime)
        case .waitUntilReady(let containers):
            try await withThrowingTaskGroup(of: Void.self) { group in
                for container in containers {
                    group.addTask { try await waitUntilReady(container, deadline: deadline) }
                }
                try await group.waitForAll()
            }
        case .waitForDependencies(let name):
            guard let service = stack.service(named: name) else { return }
            try await waitForDependencies(of: service, deadline: deadline)
        default:
            try await backend.apply(step)
        }
    }

    /// Waits until a container runs and is healthy (or has no health check); fails on a crash loop, an exit or
    /// an unhealthy verdict, naming it with its last health-check output.
    public func waitUntilReady(_ container: String, deadline: ContinuousClock.Instant) async throws {
        var initialRestarts: Int?
        while true {
            let snapshot = try await backend.snapshot(of: container)
            let restarts = initialRestarts ?? snapshot.restartCount
            initialRestarts = restarts
            switch Readiness.judge(snapshot, initialRestarts: restarts) {
            case .ready:
                return
            case .failed(let why):
                throw DeploymentError.notReady(container: container, state: why)
            case .starting(let why):
                if ContinuousClock.now >= deadline {
                    throw DeploymentError.timedOut(container: container, state: why)
                }
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Waits for what `service` depends on, as each `depends_on` condition says.
    func waitForDependencies(of service: Service, deadline: ContinuousClock.Instant) async throws {
        for dependency in service.dependsOn where dependency.condition != .serviceStarted {
            let containers = try await backend.observe(imageReferences: []).containers(of: dependency.service)
            for container in containers {
                switch dependency.condition {
                case .serviceStarted:
                    continue
                case .serviceHealthy:
                    try await waitUntilReady(container.name, deadline: deadline)
                case .serviceCompletedSuccessfully:
                    let code = try await backend.exitCode(of: container.id)
                    if code != 0 {
                        throw DeploymentError.dependencyFailed(
                            service: service.name, dependency: container.name, exitCode: code)
                    }
                }
            }
        }
    }
}
