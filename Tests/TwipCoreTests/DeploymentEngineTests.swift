import DockerEngine
import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// Environment operations against the real engine, with busybox containers standing in for the web stack.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct DeploymentEngineTests {
    let environment = "tcore\(UInt16.random(in: 1000...65000))"

    func stack(
        replicas: Int = 2, command: [String]? = nil, health: Healthcheck? = nil, extra: [Service] = [],
        update: UpdateConfig? = nil
    ) -> Stack {
        let web = Service(
            name: "web", image: EngineTestSupport.image,
            command: command ?? ["httpd", "-f", "-p", "8080", "-h", "/www"],
            healthcheck: health
                ?? Healthcheck(
                    test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
                    interval: .milliseconds(500), timeout: .seconds(2), retries: 3),
            restart: .onFailure(maxRetries: 5),
            deploy: Deploy(replicas: replicas, updateConfig: update))
        return Stack(name: environment, filePath: "/tmp/\(environment).yml", directory: "/tmp", services: [web] + extra)
    }

    func deployment(_ client: DockerClient, _ stack: Stack, lines: LineSink = LineSink()) -> Environment {
        var deployment = Environment(
            session: EngineSession(client: client), stack: stack, name: environment, proxies: [],
            processEnvironment: [:],
            report: { progress in
                // The backend's own lines; step events are checked where they are rendered.
                if case .step = progress { return }
                lines.append("\(progress)")
            })
        deployment.drainTime = .milliseconds(100)
        deployment.pollInterval = .milliseconds(200)
        return deployment
    }

    func names(_ client: DockerClient) async throws -> [String] {
        try await client.listContainers(all: true, filters: .labels(["io.twip.env=\(environment)"]))
            .compactMap(\.name).sorted()
    }

    @Test func upCreatesLabelledReplicasAndASecondUpChangesNothing() async throws {
        try await EngineTestSupport.withEngine { client in
            let deployment = deployment(client, stack())
            try await deployment.up(wait: true, timeout: .seconds(60))
            #expect(try await names(client) == ["\(environment)-web-1", "\(environment)-web-2"])
            let inspect = try await client.inspectContainer("\(environment)-web-2")
            #expect(inspect.config?.labels?["io.twip.service"] == "web")
            #expect(inspect.config?.labels?["io.twip.replica"] == "2")
            #expect(inspect.state?.health?.status == "healthy")
            let second = try await deployment.up(wait: true, timeout: .seconds(60))
            #expect(second.isEmpty)
            try await deployment.down(volumes: true)
            #expect(try await names(client).isEmpty)
        }
    }

    @Test func scaleUpThenDownKeepsReplicasNumberedFromOne() async throws {
        try await EngineTestSupport.withEngine { client in
            var deployment = deployment(client, stack(replicas: 1))
            try await deployment.up(wait: true, timeout: .seconds(60))
            try await deployment.scale(["web": 3], timeout: .seconds(60))
            #expect(try await names(client) == (1...3).map { "\(environment)-web-\($0)" })
            try await deployment.scale(["web": 1], timeout: .seconds(60))
            #expect(try await names(client) == ["\(environment)-web-1"])
            try await deployment.scale(["web": 0], timeout: .seconds(60))
            #expect(try await names(client).isEmpty)
            try await deployment.down(volumes: true)
        }
    }

    @Test func aChangedCommandRecreatesTheReplicas() async throws {
        try await EngineTestSupport.withEngine { client in
            let first = deployment(client, stack(replicas: 1))
            try await first.up(wait: true, timeout: .seconds(60))
            let before = try await client.inspectContainer("\(environment)-web-1").id
            let changed = deployment(
                client, stack(replicas: 1, command: ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]))
            let plan = try await changed.up(wait: true, timeout: .seconds(60))
            #expect(plan.actions.count == 1)
            let after = try await changed.ps()
            #expect(after.count == 1)
            #expect(after.first?.replica == 1)
            #expect(after.first.map { $0.id != before } == true)
            try await changed.down(volumes: true)
        }
    }

    @Test func aServiceDroppedFromTheStackIsRemovedOnUp() async throws {
        try await EngineTestSupport.withEngine { client in
            let extra = Service(name: "worker", image: EngineTestSupport.image, command: ["sleep", "600"])
            let both = deployment(client, stack(replicas: 1, extra: [extra]))
            try await both.up(timeout: .seconds(60))
            #expect(try await names(client).count == 2)
            let webOnly = deployment(client, stack(replicas: 1))
            try await webOnly.up(timeout: .seconds(60))
            #expect(try await names(client) == ["\(environment)-web-1"])
            try await webOnly.down(volumes: true)
        }
    }

    @Test func aCrashLoopingReplicaFailsTheWaitInsteadOfStarting() async throws {
        try await EngineTestSupport.withEngine { client in
            let crashing = deployment(
                client, stack(replicas: 1, command: ["sh", "-c", "echo starting; sleep 0.3; exit 3"]))
            await #expect(throws: DeploymentError.self) {
                try await crashing.up(wait: true, timeout: .seconds(60))
            }
            do {
                try await crashing.up(wait: true, timeout: .seconds(60))
            } catch let error as DeploymentError {
                #expect(error.description.contains("\(environment)-web-1"))
                #expect(error.description.contains("exit code 3") || error.description.contains("crash-looping"))
            }
            try await crashing.down(volumes: true)
        }
    }

    @Test func anUnhealthyReplicaFailsWithItsLastHealthCheckOutput() async throws {
        try await EngineTestSupport.withEngine { client in
            let sick = deployment(
                client,
                stack(
                    replicas: 1,
                    health: Healthcheck(
                        test: ["CMD", "sh", "-c", "echo database unreachable; exit 1"], interval: .milliseconds(300),
                        timeout: .seconds(1), retries: 1)))
            do {
                try await sick.up(wait: true, timeout: .seconds(60))
                Issue.record("up --wait succeeded with an unhealthy container")
            } catch let error as DeploymentError {
                #expect(error.description.contains("unhealthy"))
                #expect(error.description.contains("database unreachable"))
            }
            try await sick.down(volumes: true)
        }
    }

    static let startFirst = UpdateConfig(
        parallelism: 1, order: .startFirst, failureAction: .rollback, monitor: .seconds(3))

    func ids(_ environment: Environment) async throws -> Set<String> {
        Set(try await environment.ps().filter { $0.state == .running }.map(\.id))
    }

    @Test func aReleaseStartsEachNewReplicaBesideTheOldOneAndThenRemovesTheOld() async throws {
        try await EngineTestSupport.withEngine { client in
            let lines = LineSink()
            let first = deployment(client, stack(update: Self.startFirst))
            try await first.up(wait: true, timeout: .seconds(60))
            let before = try await ids(first)
            let next = deployment(
                client,
                stack(command: ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"], update: Self.startFirst),
                lines: lines)
            try await next.up(wait: true, timeout: .seconds(90))
            let after = try await next.ps()
            #expect(after.count == 2)
            #expect(after.map(\.replica) == [1, 2])
            #expect(after.allSatisfy { $0.state == .running && $0.health == .healthy })
            #expect(Set(after.map(\.id)).isDisjoint(with: before))
            #expect(after.allSatisfy { $0.name.hasPrefix("\(environment)-web-\($0.replica)-") })
            // Start-first: each new replica started before its old one stopped.
            let order = lines.lines.filter { $0.contains("started") || $0.contains("stopped") }
            #expect(order.count == 4)
            #expect(order.first?.contains("started") == true)
            #expect(order.first?.contains("-web-1-") == true)
            #expect(order.dropFirst().first?.contains("\(environment)-web-1 stopped") == true)
            // A second up with the same stack changes nothing.
            #expect(try await next.up(wait: true, timeout: .seconds(60)).isEmpty)
            try await next.down(volumes: true)
        }
    }

    @Test func aNewVersionThatNeverBecomesHealthyIsRolledBack() async throws {
        try await EngineTestSupport.withEngine { client in
            let first = deployment(client, stack(update: Self.startFirst))
            try await first.up(wait: true, timeout: .seconds(60))
            let before = try await ids(first)
            let sick = deployment(
                client,
                stack(
                    health: Healthcheck(
                        test: ["CMD", "sh", "-c", "echo cannot reach the journal; exit 1"],
                        interval: .milliseconds(300), timeout: .seconds(1), retries: 1),
                    update: Self.startFirst))
            do {
                try await sick.up(wait: true, timeout: .seconds(60))
                Issue.record("a release whose new replica is unhealthy succeeded")
            } catch let error as DeploymentError {
                #expect(error.description.contains("rolled back"))
                #expect(error.description.contains("\(environment)-web-1-"))
                #expect(error.description.contains("cannot reach the journal"))
            }
            #expect(try await ids(first) == before)
            #expect(try await first.ps().count == 2)
            try await first.down(volumes: true)
        }
    }

    @Test func aNewVersionThatCrashesAfterTakingTrafficIsRolledBack() async throws {
        try await EngineTestSupport.withEngine { client in
            let first = deployment(client, stack(update: Self.startFirst))
            try await first.up(wait: true, timeout: .seconds(60))
            let before = try await ids(first)
            let crashing = deployment(
                client,
                stack(
                    command: ["sh", "-c", "httpd -f -p 8080 -h /www & sleep 2; echo out of memory; exit 3"],
                    update: Self.startFirst))
            do {
                try await crashing.up(wait: true, timeout: .seconds(60))
                Issue.record("a release whose new replica crashes after switching succeeded")
            } catch let error as DeploymentError {
                #expect(error.description.contains("after taking traffic"))
                #expect(error.description.contains("rolled back"))
                #expect(error.description.contains("out of memory"))
            }
            #expect(try await ids(first) == before)
            #expect(try await first.ps().count == 2)
            try await first.down(volumes: true)
        }
    }

    @Test func downLeavesForeignContainersAlone() async throws {
        try await EngineTestSupport.withEngine { client in
            var foreign = ContainerConfig(image: EngineTestSupport.image)
            foreign.cmd = ["sleep", "600"]
            let name = "twiptest-core-foreign-\(UInt16.random(in: 1000...65000))"
            let created = try await client.createContainer(name: name, config: foreign)
            let deployment = deployment(client, stack(replicas: 1))
            try await deployment.up(timeout: .seconds(60))
            try await deployment.down(volumes: true)
            #expect(try await client.inspectContainer(created.id).name == "/\(name)")
            try await client.removeContainer(created.id, force: true)
        }
    }
}
