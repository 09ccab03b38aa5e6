public import DockerEngine
import Foundation
import TwipStack

/// What converging a swarm environment changed.
public struct SwarmChanges: Sendable, Equatable {
    public var created: [String] = []
    public var updated: [String] = []
    public var removed: [String] = []
    /// Services whose spec already matched the stack.
    public var unchanged: [String] = []

    /// The stack services a wait must follow.
    public var changed: [String] { created + updated }
}

extension SwarmBackend {
    /// The label holding a hash of the spec twip wrote, so that an unchanged stack changes nothing (the engine
    /// fills in defaults, so the spec it answers is not the one sent).
    static let specHashLabel = TwipLabel.configHash
    /// The label holding the image reference the stack names (the spec itself runs the image's ID).
    static let imageLabel = "io.twip.image"
    /// Failed or rejected tasks after a change that make a wait give up (the swarm would go on replacing them).
    static let failedTasksLimit = 3

    /// Fails unless this engine manages a swarm.
    func requireManager() async throws {
        let state = try await client.localSwarmState()
        guard state.isActive, state.isManager else {
            throw OperationFailure(
                "stack \(stack.filePath) runs on a swarm, and the engine at \(client.host) "
                    + (state.isActive
                        ? "is a swarm worker; point DOCKER_HOST at a manager" : "is in none; run `twip setup --swarm`"))
        }
    }

    /// Creates or updates every selected service (all when nil) and removes the environment's services the stack
    /// no longer has; with `wait`, returns once each changed service has converged, else rolls it back at the
    /// deadline and fails.
    public func up(selection: [String]?, wait: Bool, deadline: ContinuousClock.Instant) async throws -> SwarmChanges {
        // What the swarm cannot do is reported before any engine call.
        let deployment = try blueprint.deployment()
        try await requireManager()
        for warning in deployment.warnings { report(.warning(warning)) }
        let selected = stack.services.filter { selection?.contains($0.name) ?? true }
        // Images reach the registry before anything changes: a push that fails leaves the environment as it was.
        let chosen = try await registry()
        if let chosen { report(.registryChosen(chosen)) }
        let images = try await self.images(for: selected, through: chosen, push: true)
        let specs = desiredSpecs(selected, deployment: deployment, images: images)

        let networks = Set(try await client.listNetworks(filters: .labels([names.labelFilter])).map(\.name))
        for network in deployment.networks where !networks.contains(network.name) {
            try await client.createNetwork(network)
            report(.networkCreated(network.name))
        }

        var changes = SwarmChanges()
        var existing = try await services()
        let before = try await taskIDs(of: existing.values.map(\.id))
        for service in selected {
            guard let spec = specs[service.name] else { continue }
            if let current = existing[service.name] {
                if Self.matches(current, spec) {
                    changes.unchanged.append(service.name)
                    continue
                }
                try await update(service.name) { current in
                    // Keep the restart counter: setting it back would itself force an update.
                    let forceUpdate = current.taskTemplate.forceUpdate
                    current = spec
                    current.taskTemplate.forceUpdate = forceUpdate
                }
                changes.updated.append(service.name)
                report(.serviceUpdated(spec.name))
            } else {
                let created = try await client.createService(spec)
                for warning in created.warnings ?? [] { report(.warning("\(spec.name): \(warning)")) }
                changes.created.append(service.name)
                report(.serviceCreated(spec.name))
            }
        }
        if selection == nil {
            let wanted = Set(stack.services.map(\.name))
            for (name, service) in existing where !wanted.contains(name) {
                try await client.removeService(service.id)
                existing[name] = nil
                changes.removed.append(name)
                report(.serviceRemoved(service.spec.name))
            }
        }
        if wait {
            try await waitConverged(
                selected.map(\.name), rollBack: Set(changes.updated), deadline: deadline, tasksBefore: before)
            report(.ready(environment: names.environment))
        } else if changes.changed.isEmpty && changes.removed.isEmpty {
            report(.nothingToChange(environment: names.environment, upToDate: changes.unchanged.count))
        }
        return changes
    }

    /// The spec each selected service should have: the image its tasks run, labelled with the stack's reference
    /// and a hash.
    func desiredSpecs(_ selected: [Service], deployment: SwarmDeployment, images: [String: SwarmImage])
        -> [String: ServiceSpec]
    {
        var specs: [String: ServiceSpec] = [:]
        for service in selected {
            guard var spec = deployment.services.first(where: { $0.labels?[TwipLabel.service] == service.name })
            else { continue }
            spec.labels?[Self.imageLabel] = spec.taskTemplate.containerSpec.image
            spec.taskTemplate.containerSpec.image =
                images[service.name]?.reference ?? spec.taskTemplate.containerSpec.image
            let hash = Self.hash(spec)
            spec.labels?[Self.specHashLabel] = hash
            specs[service.name] = spec
        }
        return specs
    }

    /// Whether a service already has the spec twip would write (the engine's defaults aside) and its replicas.
    static func matches(_ current: SwarmService, _ spec: ServiceSpec) -> Bool {
        current.spec.labels?[specHashLabel] == spec.labels?[specHashLabel] && current.spec.mode == spec.mode
    }

    /// What `up` would change, one line per service, without changing anything (`up --dry-run`).
    public func preview(selection: [String]?) async throws -> [String] {
        let deployment = try blueprint.deployment()
        try await requireManager()
        let selected = stack.services.filter { selection?.contains($0.name) ?? true }
        let chosen = try await registry()
        let images = try await self.images(for: selected, through: chosen, push: false)
        let specs = desiredSpecs(selected, deployment: deployment, images: images)
        let existing = try await services()
        let networks = Set(try await client.listNetworks(filters: .labels([names.labelFilter])).map(\.name))
        let pushes = images.values.filter { $0.disposition == .pushed }.sorted { $0.service < $1.service }
        var lines: [String] = []
        if let chosen, !pushes.isEmpty { lines.append("images go through registry \(chosen)") }
        for image in pushes {
            lines.append("push \(image.source) of \(image.service) as \(image.tagged ?? image.reference)")
        }
        lines += deployment.networks.filter { !networks.contains($0.name) }.map {
            "create network \($0.name) (\($0.driver ?? "overlay"))"
        }
        for service in selected {
            guard let spec = specs[service.name] else { continue }
            let replicas = spec.replicas.map { "\($0) replica\($0 == 1 ? "" : "s")" } ?? "global"
            guard let current = existing[service.name] else {
                lines.append("create service \(spec.name) (\(replicas))")
                continue
            }
            if !Self.matches(current, spec) {
                lines.append("update service \(spec.name) (\(replicas), rolling as its update_config says)")
            }
        }
        if selection == nil {
            let wanted = Set(stack.services.map(\.name))
            for (name, service) in existing.sorted(by: { $0.key < $1.key }) where !wanted.contains(name) {
                lines.append("remove service \(service.spec.name) (no longer in the stack)")
            }
        }
        return deployment.warnings.map { "warning: \($0)" } + lines
    }

    /// Reads a service, changes its spec with `change`, and writes it back with the version it read; an "update
    /// out of sequence" (someone changed it in between) reads it again and retries.
    func update(_ service: String, rollback: Bool = false, _ change: (inout ServiceSpec) -> Void) async throws {
        let name = names.swarmService(service)
        var attempts = 0
        while true {
            let current = try await client.inspectService(name)
            var spec = current.spec
            change(&spec)
            do {
                let answer = try await client.updateService(
                    current.id, version: current.version, spec: spec, rollback: rollback)
                for warning in answer.warnings ?? [] { report(.warning("\(name): \(warning)")) }
                return
            } catch let error as EngineError where error.message.contains("out of sequence") && attempts < 5 {
                attempts += 1
            }
        }
    }

    /// Sets replica counts; with `wait`, returns once the services run them.
    public func scale(_ counts: [String: Int], wait: Bool, deadline: ContinuousClock.Instant) async throws {
        try await requireManager()
        let existing = try await services()
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
            guard let service = existing[name] else {
                throw OperationFailure(
                    "service \(names.swarmService(name)) does not exist; run `twip \(names.environment) up` first")
            }
            let changed = service.spec.mode?.replicated?.replicas != count
            if service.spec.mode?.replicated == nil {
                throw UsageFailure("service \(name) is global: it runs one task per node and cannot be scaled")
            }
            if changed {
                try await update(name) { spec in spec.mode = ServiceMode(replicated: .init(replicas: count)) }
            }
            report(.scaled(service: name, replicas: count, changed: changed))
        }
        if wait { try await waitConverged(Array(counts.keys), rollBack: [], deadline: deadline) }
    }

    /// Replaces every task of `services` (all when nil) through a forced rolling update, honouring each service's
    /// update_config (start-first keeps it serving).
    public func restart(services selection: [String]?, deadline: ContinuousClock.Instant) async throws {
        try await requireManager()
        let existing = try await services()
        let names = (selection ?? stack.services.map(\.name)).filter { existing[$0] != nil }
        for name in names {
            try await update(name) { spec in spec.taskTemplate.forceUpdate = (spec.taskTemplate.forceUpdate ?? 0) + 1 }
            report(.restarted(self.names.swarmService(name)))
        }
        try await waitConverged(names, rollBack: [], deadline: deadline)
    }

    /// Returns every service of the environment that has a previous spec to it (`rollback=previous`), and waits
    /// until they have converged there; the names of the services rolled back.
    public func rollback(deadline: ContinuousClock.Instant) async throws -> [String] {
        try await requireManager()
        let existing = try await services()
        let names = existing.filter { $0.value.previousSpec != nil }.keys.sorted()
        for name in names {
            try await update(name, rollback: true) { _ in }
            report(.serviceRolledBack(service: self.names.swarmService(name), reason: "asked for"))
        }
        try await waitConverged(names, rollBack: [], deadline: deadline, rollingBack: true)
        return names
    }

    /// Removes the environment's services, waits for their tasks' containers to be gone, then removes its
    /// networks (a node keeps its copy of an overlay network while a container is attached).
    public func down(deadline: ContinuousClock.Instant) async throws {
        let existing = try await services()
        for (_, service) in existing.sorted(by: { $0.key < $1.key }) {
            try await client.removeService(service.id)
            report(.serviceRemoved(service.spec.name))
        }
        let ids = Set(existing.values.map(\.id))
        while !ids.isEmpty {
            let left = try await client.listContainers(all: true, filters: .labels([names.labelFilter]))
                .filter { ids.contains($0.labels?["com.docker.swarm.service.id"] ?? "") }
            if left.isEmpty { break }
            if ContinuousClock.now >= deadline {
                throw OperationFailure(
                    "\(left.count) task container(s) of \(names.environment) still there after the services were removed"
                )
            }
            try await Task.sleep(for: pollInterval)
        }
        var networks = try await client.listNetworks(filters: .labels([names.labelFilter]))
        while !networks.isEmpty {
            var left: [NetworkInspect] = []
            for network in networks {
                do {
                    try await client.removeNetwork(network.id)
                    report(.networkRemoved(network.name))
                } catch let error as EngineError where error.isNotFound {
                    continue
                } catch let error as EngineError {
                    // Still in use by containers the swarm is stopping.
                    if ContinuousClock.now >= deadline { throw error }
                    left.append(network)
                }
            }
            networks = left
            if !networks.isEmpty { try await Task.sleep(for: pollInterval) }
        }
        if existing.isEmpty { report(.nothingToRemove(environment: names.environment)) }
    }

    /// A stable hash (FNV-1a 64, hex) of a spec's JSON with sorted keys.
    static func hash(_ spec: ServiceSpec) -> String {
        var spec = spec
        spec.labels?[specHashLabel] = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(spec)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
