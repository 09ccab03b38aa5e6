import Testing

@testable import TwipCore

@Suite struct PlannerTests {
    func container(
        _ service: String, _ replica: Int, hash: String = "h1", image: String = "sha256:img1",
        state: ObservedContainer.State = .running
    ) -> ObservedContainer {
        ObservedContainer(
            id: "\(service)-\(replica)-\(hash)", name: "prod-\(service)-\(replica)", service: service,
            replica: replica, configHash: hash, imageID: image, state: state, health: .healthy)
    }

    func web(_ replicas: Int, hash: String = "h1", image: String? = "sha256:img1") -> DesiredService {
        DesiredService(name: "web", replicas: replicas, configHash: hash, imageID: image)
    }

    @Test func nothingExistingCreatesEveryReplica() {
        let plan = Planner.diff(desired: [web(2)], observed: [])
        #expect(plan.actions == [.create(service: "web", replica: 1), .create(service: "web", replica: 2)])
    }

    @Test func matchingStateIsAnEmptyPlan() {
        let observed = [container("web", 1), container("web", 2)]
        let plan = Planner.diff(desired: [web(2)], observed: observed)
        #expect(plan.isEmpty)
        #expect(plan.unchanged.count == 2)
    }

    @Test func scaleUpCreatesOnlyTheMissingReplicas() {
        let plan = Planner.diff(desired: [web(3)], observed: [container("web", 1)])
        #expect(plan.actions == [.create(service: "web", replica: 2), .create(service: "web", replica: 3)])
        #expect(plan.unchanged.map(\.replica) == [1])
    }

    @Test func scaleDownRemovesHighestReplicasFirst() {
        let observed = [container("web", 1), container("web", 2), container("web", 3)]
        let plan = Planner.diff(desired: [web(1)], observed: observed)
        #expect(
            plan.actions == [
                .remove(observed[2], reason: .scaledDown), .remove(observed[1], reason: .scaledDown),
            ])
    }

    @Test func scaleToZeroRemovesEveryReplica() {
        let observed = [container("web", 1), container("web", 2)]
        let plan = Planner.diff(desired: [web(0)], observed: observed)
        #expect(plan.actions.count == 2)
        #expect(plan.actions.allSatisfy { if case .remove(_, .scaledDown) = $0 { true } else { false } })
    }

    @Test func configChangeRecreatesEveryReplica() {
        let observed = [container("web", 1), container("web", 2)]
        let plan = Planner.diff(desired: [web(2, hash: "h2")], observed: observed)
        #expect(
            plan.actions == [
                .recreate(observed[0], reason: .configChanged), .recreate(observed[1], reason: .configChanged),
            ])
    }

    @Test func imageChangeRecreatesTheReplica() {
        let observed = [container("web", 1)]
        let plan = Planner.diff(desired: [web(1, image: "sha256:img2")], observed: observed)
        #expect(plan.actions == [.recreate(observed[0], reason: .imageChanged)])
    }

    @Test func unknownImageDoesNotForceARecreate() {
        let plan = Planner.diff(desired: [web(1, image: nil)], observed: [container("web", 1)])
        #expect(plan.isEmpty)
    }

    @Test func stoppedReplicaIsStartedNotRecreated() {
        let stopped = container("web", 1, state: .exited)
        let plan = Planner.diff(desired: [web(1)], observed: [stopped])
        #expect(plan.actions == [.start(stopped)])
    }

    @Test func orphanServiceContainersAreRemoved() {
        let orphan = container("cache", 1)
        let plan = Planner.diff(desired: [web(1)], observed: [container("web", 1), orphan])
        #expect(plan.actions == [.remove(orphan, reason: .orphan)])
    }

    @Test func orphansAreKeptWhenAskedTo() {
        let plan = Planner.diff(
            desired: [web(1)], observed: [container("web", 1), container("cache", 1)], keepOrphans: true)
        #expect(plan.isEmpty)
    }

    @Test func duplicateReplicaNumbersAreRemoved() {
        let first = container("web", 1)
        var second = container("web", 1)
        second.id = "zzz"
        let plan = Planner.diff(desired: [web(1)], observed: [second, first])
        #expect(plan.actions == [.remove(second, reason: .duplicate)])
    }
}
