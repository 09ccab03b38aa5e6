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
                return steps(
                    for: service, actions: plan.actions(for: name), selected: selected,
                    desiredImage: observed.images[imageReference(for: service)])
            }
            .filter { !$0.isEmpty }
            if sequences.count == 1 {
                plan.steps += sequences[0]
            } else if !sequences.isEmpty {
                plan.steps.append(Step(.together(sequences), .dependsOn("nothing else in this wave")))
            }
        }
        if wait {
            let names = services.flatMap { finalNames(of: $0, plan: plan, observed: observed) }
            if !names.isEmpty { plan.steps.append(Step(.waitUntilReady(names), .waitRequested)) }
        }
        return plan
    }

    /// The containers `service` has once `plan` ran: a replacement's name for a released replica, the existing
    /// container's for one kept or started, the base name for one created.
    func finalNames(of service: Service, plan: Plan, observed: ObservedState) -> [String] {
        guard service.replicas > 0 else { return [] }
        let token = replacementToken(
            configHash: configHash(for: service), imageID: observed.images[imageReference(for: service)] ?? "")
        return (1...service.replicas).map { replica in
            let base = names.container(service: service.name, replica: replica)
            for action in plan.actions(for: service.name) where action.replica == replica {
                switch action {
                case .recreate(_, let reason) where reason != .failed: return "\(base)-\(token)"
                case .start(let container): return container.name
                default: continue
                }
            }
            return plan.unchanged.first { $0.service == service.name && $0.replica == replica }?.name ?? base
        }
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
    func steps(for service: Service, actions: [Action], selected: Set<String>, desiredImage: String? = nil) -> [Step] {
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
        // A dead replica is replaced where it stands; changed ones are released.
        for (container, reason) in recreates where reason == .failed {
            steps += retire([container], cause: .replaced(reason))
            steps.append(Step(.create(service: service.name, replica: container.replica), .replaced(reason)))
            if proxied {
                steps.append(Step(.waitUntilReady([container.name]), .proxyFollows))
                steps.append(Step(.syncProxies, .proxyFollows))
            }
        }
        let changed = recreates.filter { $0.1 != .failed }
        if !changed.isEmpty { steps += release(of: service, replacing: changed, imageID: desiredImage) }
        return steps
    }

    /// The replacement of a service's changed replicas: batch by batch as its update_config says (proxied services
    /// default to start-first, one at a time, watched 5 s after taking traffic, rolled back on failure; others to
    /// stop-first and pause). Old replicas are stopped and kept until the release is done, so that undoing a batch
    /// starts them again; the image they ran is kept as the previous release.
    func release(
        of service: Service, replacing changed: [(ObservedContainer, RecreateReason)], imageID: String?,
        token given: String? = nil
    ) -> [Step] {
        let proxied = isProxied(service.name)
        let handover = handsOver(service)
        let config = service.deploy.updateConfig
        let sideBySide = service.singleReplicaReason == nil || handover
        let hitless = proxied || handover
        var order: UpdateOrder =
            config?.order.flatMap { UpdateOrder(rawValue: $0.rawValue) } ?? (hitless ? .startFirst : .stopFirst)
        if !sideBySide { order = .stopFirst }
        let action =
            config?.failureAction.flatMap { UpdateFailureAction(rawValue: $0.rawValue) }
            ?? (hitless ? .rollback : .pause)
        let monitor = config?.monitor ?? (hitless ? .seconds(5) : .zero)
        let size = (config?.parallelism ?? 1) == 0 ? changed.count : max(1, config?.parallelism ?? 1)
        let token = given ?? replacementToken(configHash: configHash(for: service), imageID: imageID ?? "")

        var steps: [Step] = []
        let previous = changed.filter { $0.1 == .imageChanged }.map(\.0.imageID).first { !$0.isEmpty }
        if let previous {
            steps.append(
                Step(
                    .keepPrevious(reference: imageReference(for: service), imageID: previous), .replaced(.imageChanged))
            )
        }
        var batches: [Release.Batch] = []
        var start = 0
        while start < changed.count {
            let batch = Array(changed[start..<min(start + size, changed.count)])
            start += size
            let olds = batch.map(\.0)
            let news = olds.map { "\(names.container(service: service.name, replica: $0.replica))-\(token)" }
            let cause = Cause.replaced(batch[0].1)
            let creates = zip(olds, news).map { old, name in
                Step(.createReplacement(service: service.name, replica: old.replica, name: name), cause)
            }
            let launch =
                [creates.count == 1 ? creates[0] : Step(.together(creates.map { [$0] }), cause)]
                + [Step(.waitUntilReady(news), cause)] + (proxied ? [Step(.syncProxies, .proxyFollows)] : [])
            let stops = olds.map { Step(.stop($0), cause) }
            let leave =
                (proxied ? [Step(.leaveProxies(olds.map(\.name)), cause), Step(.drain, cause)] : [])
                + [stops.count == 1 ? stops[0] : Step(.together(stops.map { [$0] }), cause)]
                + (proxied ? [Step(.syncProxies, .proxyFollows)] : [])
            let watch = monitor > .zero ? [Step(.monitor(news, monitor), cause)] : []
            let undoCause = Cause.rolledBack
            let removals = news.map { Step(.removeIfPresent($0), undoCause) }
            let restarts = olds.map { Step(.start($0), undoCause) }
            // A proxy generation hands over: the old one listens again before the new one leaves.
            let undo =
                handover
                ? restarts + [Step(.waitUntilReady(olds.map(\.name)), undoCause)] + removals
                : (proxied ? [Step(.leaveProxies(news), undoCause), Step(.drain, undoCause)] : [])
                    + [removals.count == 1 ? removals[0] : Step(.together(removals.map { [$0] }), undoCause)]
                    + [restarts.count == 1 ? restarts[0] : Step(.together(restarts.map { [$0] }), undoCause)]
                    + [Step(.waitUntilReady(olds.map(\.name)), undoCause)]
                    + (proxied ? [Step(.rejoinProxies(olds.map(\.name)), .proxyFollows)] : [])
            batches.append(
                Release.Batch(
                    steps: (order == .startFirst ? launch + leave : leave + launch) + watch, undo: undo,
                    replicas: olds.map(\.replica)))
        }
        let finish = changed.map { Step(.remove($0.0), .replaced($0.1)) }
        let allowed = Int(((config?.maxFailureRatio ?? 0) * Double(changed.count)).rounded(.down))
        steps.append(
            Step(
                .release(
                    Release(
                        service: service.name, order: order, batches: batches, finish: finish, failureAction: action,
                        allowedFailures: allowed, delay: config?.delay)), .replaced(changed[0].1)))
        return steps
    }

    /// Six hex digits naming a replacement after what it runs, so a new replica never takes an old one's name.
    func replacementToken(configHash: String, imageID: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (configHash + "|" + imageID).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(String(hash, radix: 16).suffix(6))
    }

    /// Containers leaving: out of the proxies and drained first when a proxy sends them traffic, stopped and
    /// removed together, then forgotten by the proxies.
    func retire(_ containers: [ObservedContainer], cause: Cause) -> [Step] {
        guard !containers.isEmpty else { return [] }
        let proxied = containers.contains { isProxied($0.service) }
        var steps: [Step] = []
        if proxied {
            steps.append(Step(.leaveProxies(containers.map(\.name)), cause))
            steps.append(Step(.drain, cause))
        }
        let removals = containers.map { Step(.remove($0), cause) }
        steps.append(removals.count == 1 ? removals[0] : Step(.together(removals.map { [$0] }), cause))
        if proxied { steps.append(Step(.syncProxies, .proxyFollows)) }
        return steps
    }

    /// Every container of the environment stopped and removed together, then its networks and the proxies'
    /// handover volumes, and its other volumes when `volumes`.
    public func down(observed: ObservedState, volumes: Bool) -> Plan {
        var plan = Plan()
        let removals = observed.containers.sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
            .map { [Step(.remove($0), .down)] }
        if removals.count == 1 {
            plan.steps += removals[0]
        } else if !removals.isEmpty {
            plan.steps.append(Step(.together(removals), .down))
        }
        plan.steps += observed.holders.map { Step(.remove($0), .down) }
        plan.steps += observed.networks.sorted().map { Step(.removeNetwork($0), .down) }
        // A proxy's handover volume holds only its generations' sockets: twip's own, it goes with the containers.
        let handover = Set(proxies.map { names.handoverVolume(service: $0.service) })
        plan.steps += observed.volumes.filter { volumes || handover.contains($0) }.sorted()
            .map { Step(.removeVolume($0), .down) }
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
            // A proxy replaced by generations restarts as a fresh generation beside the running one (named after
            // the one it replaces, so never with its name): a stop and a start would refuse connections meanwhile.
            // Only when the fresh one would run exactly what this one runs: a restart releases no change (that is
            // `up`'s), so a proxy behind its stack or its image is restarted in place.
            if let service = stack.service(named: container.service), handsOver(service),
                container.configHash == configHash(for: service),
                observed.images[imageReference(for: service)] == container.imageID
            {
                let token = replacementToken(configHash: "restart|" + container.name, imageID: container.imageID)
                plan.steps += release(
                    of: service, replacing: [(container, .restartRequested)], imageID: container.imageID, token: token)
                continue
            }
            let proxied = isProxied(container.service)
            if proxied {
                plan.steps.append(Step(.leaveProxies([container.name]), .restartRequested))
                plan.steps.append(Step(.drain, .restartRequested))
            }
            plan.steps.append(Step(.restart(container), .restartRequested))
            plan.steps.append(Step(.waitUntilReady([container.name]), .restartRequested))
            if proxied {
                plan.steps.append(Step(.rejoinProxies([container.name]), .proxyFollows))
            } else if proxies.contains(where: { $0.service == container.service }) {
                plan.steps.append(Step(.syncProxies, .proxyFollows))
            }
        }
        return plan
    }
}
