public import Foundation
import Synchronization
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
    /// Receives a `.step` event when a step starts and when it ends (every step but `together`, whose sequences'
    /// steps report themselves).
    public var report: ProgressSink = { _ in }
    /// Numbers the steps this executor (and its copies) runs.
    let counter = StepCounter()

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

    /// Runs one step, reporting its start and its end with the time it took.
    func run(_ step: Step, deadline: ContinuousClock.Instant) async throws {
        if case .together = step.kind { return try await perform(step, deadline: deadline) }
        let id = counter.next()
        let names = backend.names
        let (startedAt, start) = (Date(), ContinuousClock.now)
        report(.step(StepEvent(id: id, step: step, names: names, state: .started, startedAt: startedAt, at: startedAt)))
        do {
            try await perform(step, deadline: deadline)
        } catch {
            let rolledBack = (error as? DeploymentError)?.isRolledBack ?? false
            let why = error is CancellationError || Task.isCancelled ? "interrupted" : String(describing: error)
            report(
                .step(
                    StepEvent(
                        id: id, step: step, names: names, state: rolledBack ? .rolledBack : .failed,
                        startedAt: startedAt, at: Date(), duration: .now - start, error: why)))
            throw error
        }
        report(
            .step(
                StepEvent(
                    id: id, step: step, names: names, state: .done, startedAt: startedAt, at: Date(),
                    duration: .now - start)))
    }

    /// Does what a step says: the executor's own kinds here, every other one through the backend.
    func perform(_ step: Step, deadline: ContinuousClock.Instant) async throws {
        switch step.kind {
        case .together(let sequences):
            // A failing sequence does not cancel the others: each ends as its own steps say (a release that fails
            // rolls itself back), and the first failure is thrown once all have ended.
            let failures = await withTaskGroup(of: (any Error)?.self) { group in
                for sequence in sequences {
                    group.addTask {
                        do {
                            try await run(sequence, deadline: deadline)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var failures: [any Error] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            if let first = failures.first(where: { !($0 is CancellationError) }) ?? failures.first { throw first }
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
        case .monitor(let containers, let duration):
            try await withThrowingTaskGroup(of: Void.self) { group in
                for container in containers {
                    group.addTask { try await watch(container, for: duration) }
                }
                try await group.waitForAll()
            }
        case .pause(let duration):
            try await Task.sleep(for: duration)
        case .release(let release):
            try await run(release, deadline: deadline)
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

    /// Fails when a container that was ready crashes, restarts or turns unhealthy within `duration`.
    func watch(_ container: String, for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        var initialRestarts: Int?
        while ContinuousClock.now < end {
            let snapshot = try await backend.snapshot(of: container)
            let restarts = initialRestarts ?? snapshot.restartCount
            initialRestarts = restarts
            if case .failed(let why) = Readiness.judge(snapshot, initialRestarts: restarts) {
                throw DeploymentError.notReady(container: container, state: "failed after taking traffic: \(why)")
            }
            try await Task.sleep(for: min(pollInterval, end - ContinuousClock.now))
        }
    }

    /// Runs a release batch by batch. A failed batch is undone (its new replicas out of the proxies and removed,
    /// its old ones started again); past the allowed failures, `rollback` undoes every batch done so far (a
    /// rollback never rolls back again), `pause` stops there, `continue` goes on. Interruptions are not failures:
    /// they stop the release where it is and the proxies are repaired by the caller.
    func run(_ release: Release, deadline: ContinuousClock.Instant) async throws {
        var done: [Release.Batch] = []
        var failures = 0
        for (index, batch) in release.batches.enumerated() {
            if index > 0, let delay = release.delay { try await Task.sleep(for: delay) }
            do {
                try await run(batch.steps, deadline: deadline)
                done.append(batch)
                continue
            } catch let error where !(error is CancellationError) && !Task.isCancelled {
                let failure = await describe(error, release: release)
                await undo(batch.undo)
                failures += batch.replicas.count
                guard failures > release.allowedFailures else { continue }
                switch release.failureAction {
                case .continue:
                    continue
                case .pause:
                    throw failure.with(outcome: "release paused: the replicas replaced so far keep the new version")
                case .rollback:
                    for earlier in done.reversed() { await undo(earlier.undo) }
                    throw failure.with(outcome: DeploymentError.rolledBackOutcome)
                }
            }
        }
        try await run(release.finish, deadline: deadline)
    }

    /// Runs undo steps to the end whatever happens (each is idempotent), in a task the interruption that may be
    /// under way does not cancel.
    func undo(_ steps: [Step]) async {
        let executor = self
        await Task.detached {
            for step in steps {
                try? await executor.run(step, deadline: .now + .seconds(120))
            }
        }.value
    }

    /// The release failure for `error`: the replica it names, its last health check, and its last output lines.
    func describe(_ error: any Error, release: Release) async -> DeploymentError {
        var container: String?
        var state = String(describing: error)
        if let deployment = error as? DeploymentError {
            switch deployment {
            case .notReady(let name, let why), .timedOut(let name, let why):
                container = name
                state = why
            default: break
            }
        }
        let logs = container.map { name in (name, backend) }
        var tail: [String] = []
        if let (name, backend) = logs { tail = (try? await backend.lastLines(of: name, count: 5)) ?? [] }
        return .releaseFailed(
            service: release.service, container: container ?? release.service, state: state, logTail: tail,
            outcome: "")
    }

    /// `body`'s value, or a timeout naming `container` once `deadline` has passed.
    func withDeadline<T: Sendable>(
        _ deadline: ContinuousClock.Instant, waitingFor container: String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() ?? nil else {
                throw DeploymentError.timedOut(container: container, state: "still running, not completed")
            }
            return value
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
                    let code = try await withDeadline(deadline, waitingFor: container.name) {
                        try await backend.exitCode(of: container.id)
                    }
                    if code != 0 {
                        throw DeploymentError.dependencyFailed(
                            service: service.name, dependency: container.name, exitCode: code)
                    }
                }
            }
        }
    }
}

/// Hands out step numbers from 1, shared by an executor and its copies.
final class StepCounter: Sendable {
    private let last = Mutex(0)

    func next() -> Int {
        last.withLock { value in
            value += 1
            return value
        }
    }
}
