public import TwipStack

extension Planner {
    /// The plan that converges `selection` (all services when nil, plus what they depend on).
    ///
    /// Order: missing networks and volumes; orphans out of the proxies, drained, removed; then the services in
    /// start waves (a wave's services side by side), each: its dependencies awaited, replicas above the wanted
    /// count out of the proxies, drained and removed (highest first), new and stopped replicas started together
    /// and let into the proxy once ready, then changed replicas replaced one at a time so a scaled service stays
    /// up. With `wait`, a last step waits for every selected container to be ready.
    ///
    /// Throws when a service's image does not exist (nothing has changed then).
    public func up(selection: [String]?, observed: ObservedState, wait: Bool) throws(DeploymentError) -> Plan {
        let selected = closure(of: selection)
        let services = stack.services.filter { selected.contains($0.name) }
        for service in services where service.replicas > 0 && observed.images[imageReference(for: service)] == nil {
            let hint =
                service.build != nil
                ? "run `twip \(names.environment) build \(service.name)` first"
                : "twip pulls nothing from registries: build it, or import it with `twip base`"
            throw .imageMissing(service: service.name, image: imageReference(for: service), hint: hint)
        }
        var plan = Self.diff(
            desired: desired(services, observed: observed), observed: observed.containers,
            keepOrphans: selection != nil)
        plan.steps = preparation(observed)

        let orphans = plan.actions.compactMap { action -> ObservedContainer? in
            if case .remove(let container, .orphan) = action { return container }
            return nil
        }
        plan.steps += retire(orphans, cause: .removed(.orphan))

        for wave in stack.startWaves(of: selected) {
            let sequences = wave.compactMap { name -> [Step]? in
                guard let service = stack.service(named: name) else { return nil }
                return steps(for: service, actions: plan.actions(for: name), selected: selected)
            }
            .filter { !$0.isEmpty }
            if sequences.count == 1 {
                plan.steps += sequences[0]
            } else if !sequences.isEmpty {
                plan.steps.append(Step(.together(sequences), .dependsOn("nothing else in this wave")))
            }
        }
        if wait {
            let names = services.flatMap { service in
                (service.replicas > 0 ? Array(1...service.replicas) : []).map {
                    self.names.container(service: service.name, replica: $0)
                }
            }
            if !names.isEmpty { plan.steps.append(Step(.waitUntilReady(names), .waitRequested)) }
        }
        return plan
    }

    /// Networks and volumes of the stack the engine does not have yet.
    func preparation(_ observed: ObservedState) -> [Step] {
        var steps: [Step] = []
        var wanted = ["default"]
        for network in stack.networks where !network.external && !wanted.contains(network.name) {
            wanted.append(network.name)
        }
        for network in wanted where !observed.networks.contains(names.network(network)) {
            steps.append(Step(.createNetwork(network), .missing))
        }
        for volume in stack.volumes where !volume.external && !observed.volumes.contains(names.volume(volume.name)) {
            steps.append(Step(.createVolume(volume.name), .missing))
        }
        return steps
    }

    /// The steps of one service, from its replica-level actions (orphan removals are planned before).
    func steps(for service: Service, actions: [Action], selected: Set<String>) -> [Step] {
        var removals: [ObservedContainer] = []
        var starts: [ObservedContainer] = []
        var creates: [Int] = []
        var recreates: [(ObservedContainer, RecreateReason)] = []
        for action in actions {
            switch action {
            case .remove(_, .orphan): continue
            case .remove(let container, _): removals.append(container)
            case .start(let container): starts.append(container)
            case .create(_, let replica): creates.append(replica)
            case .recreate(let container, let reason): recreates.append((container, reason))
            }
        }
        guard !actions.isEmpty else { return [] }
        let proxied = isProxied(service.name)
        var steps: [Step] = []
        let dependencies = service.dependsOn.map(\.service).filter { selected.contains($0) }
        if !dependencies.isEmpty {
            steps.append(
                Step(.waitForDependencies(service: service.name), .dependsOn(dependencies.joined(separator: ", "))))
        }
        steps += retire(removals, cause: .scaledDown)

        let launches =
            starts.map { [Step(.start($0), .stopped)] }
            + creates.map { [Step(.create(service: service.name, replica: $0), .scaledUp)] }
        if !launches.isEmpty {
            steps.append(launches.count == 1 ? launches[0][0] : Step(.together(launches), .scaledUp))
            if proxied {
                let names =
                    starts.map(\.name) + creates.map { self.names.container(service: service.name, replica: $0) }
                steps.append(Step(.waitUntilReady(names), .proxyFollows))
                steps.append(Step(.syncProxies, .proxyFollows))
            }
        }
        for (container, reason) in recreates {
            steps += retire([container], cause: .replaced(reason))
            steps.append(Step(.create(service: service.name, replica: container.replica), .replaced(reason)))
            if proxied {
                steps.append(Step(.waitUntilReady([container.name]), .proxyFollows))
                steps.append(Step(.syncProxies, .proxyFollows))
            }
        }
        return steps
    }

    /// Containers leaving: out of the proxies and drained first when a proxy sends them traffic, stopped and
    /// removed together, then forgotten by the proxies.
    func retire(_ containers: [ObservedContainer], cause: Cause) -> [Step] {
        guard !containers.isEmpty else { return [] }
        let proxied = containers.contains { isProxied($0.service) }
        var steps: [Step] = []
        if proxied {
            steps.append(Step(.leaveProxies(containers), cause))
            steps.append(Step(.drain, cause))
        }
        let removals = containers.map { Step(.remove($0), cause) }
        steps.append(removals.count == 1 ? removals[0] : Step(.together(removals.map { [$0] }), cause))
        if proxied { steps.append(Step(.syncProxies, .proxyFollows)) }
        return steps
    }

    /// Every container of the environment stopped and removed together, then its networks, and its volumes when
    /// `volumes`.
    public func down(observed: ObservedState, volumes: Bool) -> Plan {
        var plan = Plan()
        let removals = observed.containers.sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
            .map { [Step(.remove($0), .down)] }
        if removals.count == 1 {
            plan.steps += removals[0]
        } else if !removals.isEmpty {
            plan.steps.append(Step(.together(removals), .down))
        }
        plan.steps += observed.networks.sorted().map { Step(.removeNetwork($0), .down) }
        if volumes { plan.steps += observed.volumes.sorted().map { Step(.removeVolume($0), .down) } }
        return plan
    }

    /// Replicas of `services` (all when nil) restarted one at a time: each leaves the proxies and drains, restarts,
    /// becomes ready and rejoins; a restarted proxy gets its backends again.
    public func restart(services: [String]?, observed: ObservedState) -> Plan {
        let selected = services.map(Set.init)
        let containers = observed.containers
            .filter { selected?.contains($0.service) ?? true }
            .sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
        var plan = Plan(unchanged: [])
        for container in containers {
            let proxied = isProxied(container.service)
            if proxied {
                plan.steps.append(Step(.leaveProxies([container]), .restartRequested))
                plan.steps.append(Step(.drain, .restartRequested))
            }
            plan.steps.append(Step(.restart(container), .restartRequested))
            plan.steps.append(Step(.waitUntilReady([container.name]), .restartRequested))
            if proxied || proxies.contains(where: { $0.service == container.service }) {
                plan.steps.append(Step(.syncProxies, .proxyFollows))
            }
        }
        return plan
    }
}
