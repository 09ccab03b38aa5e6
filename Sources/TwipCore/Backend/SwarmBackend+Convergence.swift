import DockerEngine
import Foundation

/// When a swarm environment counts as converged, and what a wait does when it does not.
extension SwarmBackend {
    /// Waits until every service in `services` runs as many tasks as it wants, with its update completed — the way
    /// `docker service create --detach=false` judges it. A failed update, or the deadline, rolls back those in
    /// `rollBack` and fails naming the service and its last task error.
    func waitConverged(
        _ services: [String], rollBack: Set<String>, deadline: ContinuousClock.Instant, tasksBefore: Set<String> = [],
        rollingBack: Bool = false
    ) async throws {
        var pending = Set(services)
        while !pending.isEmpty {
            let current = try await self.services()
            for name in pending.sorted() {
                guard let service = current[name] else {
                    pending.remove(name)
                    continue
                }
                switch try await convergence(of: service, tasksBefore: tasksBefore, rollingBack: rollingBack) {
                case .converged: pending.remove(name)
                case .waiting: continue
                case .failed(let why):
                    if rollBack.contains(name), service.updateStatus?.state?.hasPrefix("rollback") != true {
                        try await update(name, rollback: true) { _ in }
                        report(.serviceRolledBack(service: service.spec.name, reason: why))
                    }
                    throw OperationFailure("service \(service.spec.name) failed: \(why)")
                }
            }
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline {
                var lines: [String] = []
                for name in pending.sorted() {
                    let why = try await lastTaskError(of: current[name]) ?? "tasks not running yet"
                    if rollBack.contains(name) {
                        try await update(name, rollback: true) { _ in }
                        report(.serviceRolledBack(service: names.swarmService(name), reason: "not converged in time"))
                    }
                    lines.append("service \(names.swarmService(name)) did not converge in time: \(why)")
                }
                throw OperationFailure(lines.joined(separator: "; "))
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    enum Convergence: Equatable {
        case converged, waiting
        case failed(String)
    }

    /// Where one service stands: running tasks against wanted ones, and its update state.
    /// A completed rollback is where a rollback asked for (`rollingBack`) ends, and a failure of any other change.
    func convergence(of service: SwarmService, tasksBefore: Set<String> = [], rollingBack: Bool = false) async throws
        -> Convergence
    {
        switch service.updateStatus?.state {
        case "rollback_completed" where rollingBack:
            break
        case "paused", "rollback_paused", "rollback_completed":
            let message = service.updateStatus?.message ?? service.updateStatus?.state ?? "update stopped"
            let task = try await lastTaskError(of: service).map { "; last task: \($0)" } ?? ""
            return .failed(message + task)
        case "updating", "rollback_started":
            return .waiting
        default:
            break
        }
        let all = try await client.listTasks(filters: Filters(["service": [service.id]]))
        let failed = all.filter { !tasksBefore.contains($0.id) && ["failed", "rejected"].contains($0.status.state) }
        if failed.count >= Self.failedTasksLimit, let last = Self.latest(failed) {
            return .failed("\(failed.count) tasks failed; last: \(Self.describe(last))")
        }
        let tasks = all.filter { $0.desiredState == "running" }
        // Only tasks of the current spec count: right after an update (or a forced restart) the old tasks still
        // run until the updater, which starts a moment later, replaces them.
        let template = service.spec.taskTemplate
        let current = tasks.filter {
            $0.spec?.forceUpdate == template.forceUpdate && $0.spec?.containerSpec == template.containerSpec
        }
        let running = current.filter { $0.status.state == "running" }.count
        let wanted: Int
        if let replicas = service.spec.mode?.replicated?.replicas {
            wanted = replicas
        } else {
            wanted = service.serviceStatus?.desiredTasks ?? running
        }
        // Tasks of an older spec still shutting down would count twice: only a settled set converges.
        return running == wanted && tasks.count == wanted ? .converged : .waiting
    }

    /// The error of the service's most recent failed task, if one failed.
    func lastTaskError(of service: SwarmService?) async throws -> String? {
        guard let service else { return nil }
        let tasks = try await client.listTasks(filters: Filters(["service": [service.id]]))
        return Self.latest(tasks.filter { ["failed", "rejected"].contains($0.status.state) || $0.status.err != nil })
            .map(Self.describe)
    }

    /// The IDs of the tasks of `services` now, so that a wait counts only failures that come after.
    func taskIDs(of services: [String]) async throws -> Set<String> {
        guard !services.isEmpty else { return [] }
        return Set(try await client.listTasks(filters: Filters(["service": services])).map(\.id))
    }

    /// The task whose status changed last.
    static func latest(_ tasks: [SwarmTask]) -> SwarmTask? {
        tasks.max { ($0.status.timestamp ?? "") < ($1.status.timestamp ?? "") }
    }

    /// `rejected: No such image: ...`.
    static func describe(_ task: SwarmTask) -> String {
        "\(task.status.state): \(task.status.err ?? task.status.message ?? "")"
    }
}
