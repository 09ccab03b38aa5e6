import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// The whole ordered plan — networks, removals, creations, replacements, proxy steps and waits — planned from a
/// stack and an observed state, without an engine. Modelled on prod: a proxy in front of static and web.
@Suite struct PlanStepsTests {
    let names = EnvironmentNames(environment: "prod")

    var stack: Stack {
        let healthy = [
            Dependency(service: "static", condition: .serviceHealthy),
            Dependency(service: "web", condition: .serviceHealthy),
        ]
        return Stack(
            name: "prod", filePath: "/srv/stacks/prod.yml", directory: "/srv/stacks",
            services: [
                Service(name: "proxy", image: "twip-prod-proxy:latest", dependsOn: healthy),
                Service(name: "static", image: "twip-prod-static:latest"),
                Service(name: "web", image: "twip-prod-web:latest", deploy: Deploy(replicas: 2)),
            ],
            volumes: [Volume(name: "cache")])
    }

    var role: ProxyRole {
        ProxyRole(
            service: "proxy", kind: .haproxy, configPath: "/etc/haproxy/backends.cfg",
            backends: [
                .init(service: "static", port: 80, healthPath: "/healthz", sticky: false),
                .init(service: "web", port: 8080, healthPath: "/health", sticky: true),
            ], runtime: "127.0.0.1:9999")
    }

    func planner(_ stack: Stack? = nil) -> Planner {
        Planner(stack: stack ?? self.stack, names: names, proxies: [role])
    }

    func images(_ stack: Stack) -> [String: String] {
        Dictionary(uniqueKeysWithValues: stack.services.map { ("twip-prod-\($0.name):latest", "sha256:\($0.name)") })
    }

    func container(_ service: String, _ replica: Int, hash: String? = nil, state: ObservedContainer.State = .running)
        -> ObservedContainer
    {
        let definition = stack.service(named: service) ?? Service(name: service, image: "x")
        return ObservedContainer(
            id: "id-\(service)-\(replica)", name: "prod-\(service)-\(replica)", environment: "prod", service: service,
            replica: replica, configHash: hash ?? planner().configHash(for: definition), imageID: "sha256:\(service)",
            state: state, health: .healthy, addresses: ["prod_default": "172.18.0.\(replica)"])
    }

    /// The environment as a converged `up` leaves it.
    var converged: ObservedState {
        ObservedState(
            containers: [container("proxy", 1), container("static", 1), container("web", 1), container("web", 2)],
            networks: ["prod_default"], volumes: ["prod_cache"], images: images(stack))
    }

    @Test func aFreshEnvironmentGetsItsNetworkAndVolumeThenServicesInDependencyWaves() throws {
        let plan = try planner().up(
            selection: nil, observed: ObservedState(images: images(stack)), wait: false)
        #expect(
            plan.steps == [
                Step(.createNetwork("default"), .missing),
                Step(.createVolume("cache"), .missing),
                Step(
                    .together([
                        [
                            Step(.create(service: "static", replica: 1), .scaledUp),
                            Step(.waitUntilReady(["prod-static-1"]), .proxyFollows),
                            Step(.syncProxies, .proxyFollows),
                        ],
                        [
                            Step(
                                .together([
                                    [Step(.create(service: "web", replica: 1), .scaledUp)],
                                    [Step(.create(service: "web", replica: 2), .scaledUp)],
                                ]), .scaledUp),
                            Step(.waitUntilReady(["prod-web-1", "prod-web-2"]), .proxyFollows),
                            Step(.syncProxies, .proxyFollows),
                        ],
                    ]), .dependsOn("nothing else in this wave")),
                Step(.waitForDependencies(service: "proxy"), .dependsOn("static, web")),
                Step(.create(service: "proxy", replica: 1), .scaledUp),
            ])
    }

    @Test func aConvergedEnvironmentPlansNothing() throws {
        let plan = try planner().up(selection: nil, observed: converged, wait: false)
        #expect(plan.isEmpty)
        #expect(plan.steps.isEmpty)
        #expect(plan.unchanged.count == 4)
    }

    @Test func waitAddsOneLastStepForEverySelectedReplica() throws {
        let plan = try planner().up(selection: ["web"], observed: converged, wait: true)
        #expect(plan.steps == [Step(.waitUntilReady(["prod-web-1", "prod-web-2"]), .waitRequested)])
        #expect(plan.isEmpty)
    }

    @Test func scalingUpStartsNewReplicasTogetherAndLetsThemInOnceReady() throws {
        var scaled = stack
        scaled.services[2].replicas = 4
        let plan = try planner(scaled).up(selection: ["web"], observed: converged, wait: false)
        #expect(
            plan.steps == [
                Step(
                    .together([
                        [Step(.create(service: "web", replica: 3), .scaledUp)],
                        [Step(.create(service: "web", replica: 4), .scaledUp)],
                    ]), .scaledUp),
                Step(.waitUntilReady(["prod-web-3", "prod-web-4"]), .proxyFollows),
                Step(.syncProxies, .proxyFollows),
            ])
    }

    @Test func scalingDownDrainsTheHighestReplicasBeforeRemovingThem() throws {
        var scaled = stack
        scaled.services[2].replicas = 1
        var observed = converged
        observed.containers.append(container("web", 3))
        let plan = try planner(scaled).up(selection: ["web"], observed: observed, wait: false)
        let leaving = [container("web", 3), container("web", 2)]
        #expect(
            plan.steps == [
                Step(.leaveProxies(leaving.map(\.name)), .scaledDown),
                Step(.drain, .scaledDown),
                Step(.together(leaving.map { [Step(.remove($0), .scaledDown)] }), .scaledDown),
                Step(.syncProxies, .proxyFollows),
            ])
    }

    /// The release of web's two changed replicas under the proxy, with the defaults: start-first, one at a time,
    /// 5 s watch, rollback.
    func defaultRelease(_ observed: ObservedState, token: String) -> [Step] {
        let replaced = Cause.replaced(.configChanged)
        let batches = [1, 2].map { replica -> Release.Batch in
            let old = observed.containers.first { $0.service == "web" && $0.replica == replica }!
            let new = "prod-web-\(replica)-\(token)"
            return Release.Batch(
                steps: [
                    Step(.createReplacement(service: "web", replica: replica, name: new), replaced),
                    Step(.waitUntilReady([new]), replaced), Step(.syncProxies, .proxyFollows),
                    Step(.leaveProxies([old.name]), replaced), Step(.drain, replaced), Step(.stop(old), replaced),
                    Step(.syncProxies, .proxyFollows), Step(.monitor([new], .seconds(5)), replaced),
                ],
                undo: [
                    Step(.leaveProxies([new]), .rolledBack), Step(.drain, .rolledBack),
                    Step(.removeIfPresent(new), .rolledBack), Step(.start(old), .rolledBack),
                    Step(.waitUntilReady([old.name]), .rolledBack), Step(.rejoinProxies([old.name]), .proxyFollows),
                ],
                replicas: [replica])
        }
        let finish = observed.containers.filter { $0.service == "web" }.map { Step(.remove($0), replaced) }
        return [
            Step(
                .release(
                    Release(
                        service: "web", order: .startFirst, batches: batches, finish: finish, failureAction: .rollback,
                        allowedFailures: 0, delay: nil)), replaced)
        ]
    }

    @Test func changedReplicasAreReleasedStartFirstOneAtATimeWithRollback() throws {
        var observed = converged
        observed.containers = observed.containers.map {
            $0.service == "web" ? container("web", $0.replica, hash: "old") : $0
        }
        let plan = try planner().up(selection: nil, observed: observed, wait: false)
        let token = planner().replacementToken(
            configHash: planner().configHash(for: stack.services[2]), imageID: "sha256:web")
        #expect(plan.steps == defaultRelease(observed, token: token))
    }

    @Test func aNewImageIsKeptAsThePreviousReleaseBeforeTheReplacement() throws {
        var observed = converged
        observed.images["twip-prod-web:latest"] = "sha256:web2"
        let plan = try planner().up(selection: ["web"], observed: observed, wait: false)
        #expect(
            plan.steps.first
                == Step(
                    .keepPrevious(reference: "twip-prod-web:latest", imageID: "sha256:web"), .replaced(.imageChanged)))
        guard case .release(let release)? = plan.steps.last?.kind else {
            Issue.record("no release in \(plan.lines)")
            return
        }
        #expect(release.batches.count == 2)
    }

    @Test(arguments: [
        (
            UpdateConfig(parallelism: 2, order: .stopFirst, failureAction: .pause), UpdateOrder.stopFirst, 1,
            UpdateFailureAction.pause
        ),
        (UpdateConfig(parallelism: 0, failureAction: .continue, maxFailureRatio: 0.5), .startFirst, 1, .continue),
        (UpdateConfig(parallelism: 1, delay: .seconds(3), order: .startFirst), .startFirst, 2, .rollback),
    ])
    func updateConfigShapesTheRelease(
        config: UpdateConfig, order: UpdateOrder, batches: Int, action: UpdateFailureAction
    ) throws {
        var configured = stack
        configured.services[2].deploy.updateConfig = config
        var observed = converged
        observed.containers = observed.containers.map {
            $0.service == "web" ? container("web", $0.replica, hash: "old") : $0
        }
        let plan = try planner(configured).up(selection: ["web"], observed: observed, wait: false)
        guard case .release(let release)? = plan.steps.last?.kind else {
            Issue.record("no release in \(plan.lines)")
            return
        }
        #expect(release.order == order)
        #expect(release.batches.count == batches)
        #expect(release.failureAction == action)
        #expect(release.delay == config.delay)
        #expect(release.allowedFailures == Int((config.maxFailureRatio ?? 0) * 2))
        let firsts = release.batches[0].steps.map { $0.flattened.first?.kind }
        let createIndex = firsts.firstIndex { if case .createReplacement? = $0 { true } else { false } }
        let stopIndex = firsts.firstIndex { if case .stop? = $0 { true } else { false } }
        #expect(((createIndex ?? 0) < (stopIndex ?? 0)) == (order == .startFirst))
    }

    @Test func aServiceThatCannotRunTwiceIsReleasedStopFirst() throws {
        var pinned = stack
        pinned.services[2].containerName = "the-web"
        pinned.services[2].replicas = 1
        var observed = converged
        observed.containers = observed.containers.filter { !($0.service == "web" && $0.replica == 2) }.map {
            $0.service == "web" ? container("web", 1, hash: "old") : $0
        }
        let plan = try planner(pinned).up(selection: ["web"], observed: observed, wait: false)
        guard case .release(let release)? = plan.steps.last?.kind else {
            Issue.record("no release in \(plan.lines)")
            return
        }
        #expect(release.order == .stopFirst)
    }

    @Test(arguments: [
        (ProxyKind.haproxy, "127.0.0.1:9999" as String?, 1, true),
        (.haproxy, nil, 1, false),
        (.nginx, nil, 1, true),
        (.nginx, nil, 2, false),
    ])
    func aProxyWithOneReplicaIsReplacedByGenerations(kind: ProxyKind, runtime: String?, replicas: Int, expected: Bool) {
        var front = Service(name: "proxy", image: "twip-prod-proxy:latest")
        front.replicas = replicas
        let proxy = ProxyRole(service: "proxy", kind: kind, configPath: "/etc/x/backends", backends: [], runtime: runtime)
        #expect(Planner.handsOver(front, proxies: [proxy]) == expected)
        #expect(Planner.handsOver(Service(name: "web", image: "x"), proxies: [proxy]) == false)
    }

    /// The training front (nginx, one replica, a fixed host port) is released start-first like HAProxy: its next
    /// generation listens beside it; undoing starts the old one again before the new one goes.
    @Test func anNginxFrontWithAFixedPortIsReleasedStartFirstByGenerations() throws {
        var train = stack
        train.services[0].ports = [Port(target: 80, published: 18080)]
        let front = ProxyRole(
            service: "proxy", kind: .nginx, configPath: "/etc/nginx/twip/upstream.conf",
            backends: [.init(service: "web", port: 8080, healthPath: "/health", sticky: true)], runtime: nil)
        var observed = converged
        observed.containers = observed.containers.map { $0.service == "proxy" ? container("proxy", 1, hash: "old") : $0 }
        let plan = try Planner(stack: train, names: names, proxies: [front]).up(
            selection: ["proxy"], observed: observed, wait: false)
        guard case .release(let release)? = plan.steps.last?.kind else {
            Issue.record("no release in \(plan.lines)")
            return
        }
        #expect(release.order == .startFirst)
        #expect(release.failureAction == .rollback)
        let kinds = release.batches[0].steps.map { $0.flattened.first?.kind }
        let create = kinds.firstIndex { if case .createReplacement? = $0 { true } else { false } }
        let stop = kinds.firstIndex { if case .stop? = $0 { true } else { false } }
        #expect(create != nil && stop != nil && create! < stop!)
        let undo = release.batches[0].undo.map(\.kind)
        let restart = undo.firstIndex { if case .start = $0 { true } else { false } }
        let removal = undo.firstIndex { if case .removeIfPresent = $0 { true } else { false } }
        #expect(restart != nil && removal != nil && restart! < removal!)
    }

    @Test func ofTwoContainersWithOneReplicaNumberTheCurrentRunningOneIsKept() {
        let stale = container("web", 1, hash: "old", state: .exited)
        var current = container("web", 1)
        current.id = "aaa-current"
        let plan = Planner.diff(
            desired: [DesiredService(name: "web", replicas: 1, configHash: current.configHash, imageID: "sha256:web")],
            observed: [stale, current])
        #expect(plan.actions == [.remove(stale, reason: .duplicate)])
        #expect(plan.unchanged == [current])
    }

    @Test func aStoppedProxyIsStartedAfterItsDependenciesWithoutWaitingForItself() throws {
        var observed = converged
        observed.containers[0].state = .exited
        let plan = try planner().up(selection: nil, observed: observed, wait: false)
        #expect(
            plan.steps == [
                Step(.waitForDependencies(service: "proxy"), .dependsOn("static, web")),
                Step(.start(observed.containers[0]), .stopped),
            ])
    }

    @Test func orphansLeaveTheProxyAndGoBeforeAnythingStarts() throws {
        var observed = converged
        let orphan = container("web", 1)
        var smaller = stack
        smaller.services.removeLast()
        smaller.services[0].dependsOn.removeLast()
        observed.containers.removeAll { $0.service == "web" && $0.replica == 2 }
        let plan = try planner(smaller).up(selection: nil, observed: observed, wait: false)
        #expect(
            plan.steps == [
                Step(.leaveProxies([orphan.name]), .removed(.orphan)), Step(.drain, .removed(.orphan)),
                Step(.remove(orphan), .removed(.orphan)), Step(.syncProxies, .proxyFollows),
            ])
    }

    @Test func orphansAreKeptWhenOnlySomeServicesAreSelected() throws {
        var observed = converged
        observed.containers.append(container("cache", 1))
        let plan = try planner().up(selection: ["static"], observed: observed, wait: false)
        #expect(plan.steps.isEmpty)
    }

    @Test func aMissingImageFailsBeforeAnyStep() {
        var observed = converged
        observed.images["twip-prod-web:latest"] = nil
        #expect(throws: DeploymentError.self) {
            try planner().up(selection: nil, observed: observed, wait: false)
        }
    }

    @Test func selectingAServiceBringsWhatItDependsOn() {
        #expect(planner().closure(of: ["proxy"]) == ["proxy", "static", "web"])
        #expect(planner().closure(of: ["web"]) == ["web"])
    }

    @Test func restartTakesEachReplicaOutOfTheProxyAndBackOneAtATime() {
        let plan = planner().restart(services: ["web", "proxy"], observed: converged)
        let web1 = container("web", 1)
        let web2 = container("web", 2)
        let proxy = container("proxy", 1)
        let cause = Cause.restartRequested
        // The proxy (one replica, a runtime API: replaced by generations) restarts as a fresh generation.
        guard case .release(let release)? = plan.steps.first?.kind else {
            Issue.record("the proxy's restart is no release: \(plan.lines)")
            return
        }
        #expect(release.service == "proxy" && release.order == .startFirst && release.batches.count == 1)
        let created = release.batches[0].steps.compactMap { step -> String? in
            if case .createReplacement(_, _, let name) = step.flattened.first?.kind { return name }
            return nil
        }
        #expect(created.count == 1 && created[0].hasPrefix("prod-proxy-1-") && created[0] != proxy.name)
        #expect(release.finish == [Step(.remove(proxy), .replaced(.restartRequested))])
        #expect(
            Array(plan.steps.dropFirst()) == [
                Step(.leaveProxies([web1.name]), cause), Step(.drain, cause), Step(.restart(web1), cause),
                Step(.waitUntilReady([web1.name]), cause), Step(.rejoinProxies([web1.name]), .proxyFollows),
                Step(.leaveProxies([web2.name]), cause), Step(.drain, cause), Step(.restart(web2), cause),
                Step(.waitUntilReady([web2.name]), cause), Step(.rejoinProxies([web2.name]), .proxyFollows),
            ])
    }

    /// A proxy whose stack or image changed since it started is restarted in place: a restart releases nothing.
    @Test(arguments: [true, false])
    func aProxyBehindItsStackOrImageRestartsInPlace(configChanged: Bool) {
        var observed = converged
        if configChanged {
            observed.containers[0] = container("proxy", 1, hash: "old")
        } else {
            observed.images["twip-prod-proxy:latest"] = "sha256:newer"
        }
        let proxy = observed.containers[0]
        let plan = planner().restart(services: ["proxy"], observed: observed)
        #expect(
            plan.steps == [
                Step(.restart(proxy), .restartRequested), Step(.waitUntilReady([proxy.name]), .restartRequested),
                Step(.syncProxies, .proxyFollows),
            ])
    }

    @Test(arguments: [false, true])
    func downRemovesContainersThenNetworksAndVolumesOnlyWhenAsked(volumes: Bool) {
        var observed = converged
        observed.volumes.insert("prod_proxy-handover")
        let plan = planner().down(observed: observed, volumes: volumes)
        let containers = converged.containers.sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
        // The proxy's handover volume is twip's own and always goes; the stack's volumes only when asked.
        #expect(
            plan.steps
                == [
                    Step(.together(containers.map { [Step(.remove($0), .down)] }), .down),
                    Step(.removeNetwork("prod_default"), .down),
                ]
                + (volumes
                    ? [Step(.removeVolume("prod_cache"), .down), Step(.removeVolume("prod_proxy-handover"), .down)]
                    : [Step(.removeVolume("prod_proxy-handover"), .down)]))
    }

    @Test func thePlanReadsAsIndentedLinesWithCauses() throws {
        var scaled = stack
        scaled.services[2].replicas = 3
        let plan = try planner(scaled).up(selection: ["web"], observed: converged, wait: false)
        #expect(
            plan.lines == [
                "create and start web replica 3 (below the wanted replica count)",
                "wait until prod-web-3 ready (the proxy follows the live, healthy replicas)",
                "update the proxies (the proxy follows the live, healthy replicas)",
            ])
    }
}

@Suite struct ProxyFollowerTests {
    let role = ProxyRole(
        service: "proxy", kind: .haproxy, configPath: "/etc/haproxy/backends.cfg",
        backends: [.init(service: "web", port: 8080, healthPath: "/health", sticky: true)], runtime: nil)

    func web(_ replica: Int, state: ObservedContainer.State = .running, health: ObservedContainer.Health = .healthy)
        -> ObservedContainer
    {
        ObservedContainer(
            id: "w\(replica)", name: "prod-web-\(replica)", service: "web", replica: replica, configHash: "h",
            imageID: "i", state: state, health: health,
            addresses: ["other": "10.0.0.\(replica)", "prod_default": "172.18.0.\(replica)"])
    }

    @Test func backendsListServingReplicasInOrderOnTheDefaultNetwork() {
        let observed = [
            web(3), web(1), web(2, health: .starting), web(4, health: .unhealthy), web(5, state: .exited),
            web(6, health: .none),
        ]
        let backends = ProxyFollower.backends(for: role, observed: observed, excluding: [], network: "prod_default")
        #expect(
            backends.first?.servers == [
                ProxyServer(name: "prod-web-1", address: "172.18.0.1"),
                ProxyServer(name: "prod-web-3", address: "172.18.0.3"),
                ProxyServer(name: "prod-web-6", address: "172.18.0.6"),
            ])
    }

    @Test func excludedReplicasLeaveTheBackends() {
        let backends = ProxyFollower.backends(
            for: role, observed: [web(1), web(2)], excluding: ["prod-web-1"], network: "prod_default")
        #expect(backends.first?.servers.map(\.name) == ["prod-web-2"])
    }

    @Test func aReplicaWithoutAnAddressOnTheDefaultNetworkUsesAnother() {
        var replica = web(1)
        replica.addresses = ["custom": "10.1.0.7"]
        let backends = ProxyFollower.backends(
            for: role, observed: [replica], excluding: [], network: "prod_default")
        #expect(backends.first?.servers.first?.address == "10.1.0.7")
    }
}

@Suite struct EnvironmentNameTests {
    @Test(arguments: [
        ("stacks/prod.yml", "prod", "prod"),
        ("/srv/shop/docker-compose.yml", "docker-compose", "shop"),
        ("/srv/Blog_2/compose.yaml", "compose", "blog_2"),
        ("/srv/shop/docker-compose.yml", "storefront", "storefront"),
        ("/tmp/x.yml", "x", "x"),
    ])
    func aFileGivenWithDashFIsNamedLikeCompose(path: String, stackName: String, expected: String) throws {
        #expect(try EnvironmentNames.environment(forFile: path, stackName: stackName) == expected)
    }

    @Test(arguments: ["Prod", "-x", "a b", "", "a/b", String(repeating: "a", count: 64)])
    func invalidNamesAreRefused(name: String) {
        #expect(throws: UsageFailure.self) { try EnvironmentNames.validate(name) }
    }
}

@Suite struct EnvironmentLockTests {
    let lock = EnvironmentLock(
        engine: "unix:///tmp/twiptest-\(UInt32.random(in: 0...UInt32.max)).sock", environment: "prod")

    @Test func aSecondWriterWaitsForTheFirstAndSaysSo() async throws {
        let order = LineSink()
        let first = Task {
            try await lock.withLock(deadline: .now + .seconds(10), waiting: { _ in }) {
                order.append("first in")
                try await Task.sleep(for: .milliseconds(600))
                order.append("first out")
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try await lock.withLock(deadline: .now + .seconds(10), waiting: { order.append("waiting: \($0)") }) {
            order.append("second in")
        }
        try await first.value
        #expect(order.lines.count == 4)
        #expect(order.lines.first == "first in")
        #expect(order.lines[1].hasPrefix("waiting: pid \(getpid())"))
        #expect(Array(order.lines.suffix(2)) == ["first out", "second in"])
    }

    @Test func aWriterThatCannotGetTheLockInTimeFailsClearly() async throws {
        let holder = Task {
            try await lock.withLock(deadline: .now + .seconds(10), waiting: { _ in }) {
                try await Task.sleep(for: .seconds(2))
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        await #expect(throws: OperationFailure.self) {
            try await lock.withLock(deadline: .now + .milliseconds(300), waiting: { _ in }) {}
        }
        try await holder.value
    }
}
