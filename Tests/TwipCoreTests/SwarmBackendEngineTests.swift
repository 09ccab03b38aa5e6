import DockerEngine
import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// A busybox stack on a one-node swarm through the environment API: up, ps, scale, restart, down, a foreign
/// service left alone, and `setup --swarm` doing nothing the second time.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct SwarmBackendEngineTests {
    let environment = "tswarm\(UInt16.random(in: 1000...65000))"

    func stack(replicas: Int = 1) -> Stack {
        var web = Service(
            name: "web", image: EngineTestSupport.image,
            command: ["sh", "-c", "echo serving; exec httpd -f -p 8080 -h /www"],
            healthcheck: Healthcheck(
                test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
                interval: .milliseconds(500), timeout: .seconds(2), retries: 3),
            deploy: Deploy(replicas: replicas, updateConfig: UpdateConfig(parallelism: 1, order: .startFirst)))
        web.deploy.swarm.endpointMode = .dnsrr
        var stack = Stack(name: environment, filePath: "/tmp/\(environment).yml", directory: "/tmp", services: [web])
        stack.orchestrator = .swarm
        return stack
    }

    func environment(_ client: DockerClient, _ stack: Stack, lines: LineSink = LineSink()) -> Environment {
        var environment = Environment(
            session: EngineSession(client: client), stack: stack, name: self.environment, proxies: [],
            processEnvironment: [:], report: { lines.append("\($0)") })
        environment.pollInterval = .milliseconds(250)
        return environment
    }

    func services(_ client: DockerClient) async throws -> [String] {
        try await client.listServices(filters: .labels(["io.twip.env=\(environment)"])).map(\.spec.name).sorted()
    }

    @Test func setupMakesNoSecondSwarmAndNamesTheJoinCommands() async throws {
        try await EngineTestSupport.withClient { client in
            try await OneNodeSwarm.with(client) {
                let setup = try await EngineSession(client: client).setupSwarm()
                #expect(!setup.created)
                #expect(setup.joinCommands[.worker]?.hasPrefix("docker swarm join --token SWMTKN-") == true)
                #expect(setup.joinCommands[.manager] != setup.joinCommands[.worker])
            }
        }
    }

    @Test func upScalePsRestartAndDownLeaveAForeignServiceAlone() async throws {
        try await EngineTestSupport.withEngine { client in
            try await OneNodeSwarm.with(client) {
                let image = try await client.inspectImage(EngineTestSupport.image).id
                var foreign = ContainerSpec(image: image)
                foreign.command = ["sleep", "600"]
                let foreignName = EngineTestSupport.uniqueName("foreign")
                let foreignID = try #require(
                    try await client.createService(
                        ServiceSpec(name: foreignName, taskTemplate: TaskSpec(containerSpec: foreign))
                    ).id)
                do {
                    try await exercise(client)
                    #expect(try await client.inspectService(foreignID).spec.name == foreignName)
                    try await client.removeService(foreignID)
                } catch {
                    try? await client.removeService(foreignID)
                    try? await environment(client, stack()).down(volumes: false)
                    throw error
                }
            }
        }
    }

    func exercise(_ client: DockerClient) async throws {
        let lines = LineSink()
        var env = environment(client, stack(), lines: lines)
        try await env.up(wait: true, timeout: .seconds(90))
        #expect(try await services(client) == ["\(environment)_web"])
        #expect(lines.lines.contains("service \(environment)_web created"))
        let service = try await client.inspectService("\(environment)_web")
        #expect(service.spec.labels?["io.twip.service"] == "web")
        #expect(service.spec.taskTemplate.containerSpec.labels?["io.twip.env"] == environment)
        #expect(service.spec.taskTemplate.containerSpec.image.hasPrefix("sha256:"))
        #expect(
            try await client.listNetworks(filters: .labels(["io.twip.env=\(environment)"])).map(\.driver) == ["overlay"]
        )

        let again = LineSink()
        try await environment(client, stack(), lines: again).up(wait: true, timeout: .seconds(90))
        #expect(!again.lines.contains { $0.contains("updated") || $0.contains("created") }, "\(again.lines)")

        try await env.scale(["web": 3], timeout: .seconds(90))
        let scaled = try await env.ps()
        #expect(scaled.map(\.replica) == [1, 2, 3])
        #expect(scaled.allSatisfy { $0.state == .running && $0.health == .healthy && $0.node != nil })
        #expect(scaled.allSatisfy { $0.image == EngineTestSupport.image })

        let before = Set(scaled.map(\.id))
        try await env.restart(services: ["web"], timeout: .seconds(120))
        let restarted = try await env.ps()
        #expect(restarted.count == 3)
        #expect(before.isDisjoint(with: Set(restarted.map(\.id))))

        let backend = try #require(env.swarm)
        #expect(try await backend.rollback(deadline: .now + .seconds(120)) == ["web"])
        #expect(try await client.inspectService("\(environment)_web").updateStatus?.state == "rollback_completed")
        #expect(try await env.ps().filter { $0.state == .running }.count == 3)

        let logged = LineSink()
        try await env.logs(services: ["web"], follow: false, tail: nil) { logged.append($0.text) }
        #expect(logged.lines.contains("serving"))

        try await env.down(volumes: false)
        #expect(try await services(client).isEmpty)
        #expect(try await client.listNetworks(filters: .labels(["io.twip.env=\(environment)"])).isEmpty)
    }

    @Test func anUpdateWhoseTasksNeverGetHealthyIsRolledBackAndFails() async throws {
        try await EngineTestSupport.withEngine { client in
            try await OneNodeSwarm.with(client) {
                var good = stack()
                good.services[0].deploy.updateConfig = UpdateConfig(
                    parallelism: 1, order: .startFirst, failureAction: .rollback, monitor: .seconds(2))
                var bad = good
                // Serves on another port than the one its health check asks: never healthy.
                bad.services[0].command = ["httpd", "-f", "-p", "8081", "-h", "/www"]
                let lines = LineSink()
                do {
                    try await environment(client, good).up(wait: true, timeout: .seconds(90))
                    do {
                        try await environment(client, bad, lines: lines).up(wait: true, timeout: .seconds(90))
                        Issue.record("an update that never got healthy succeeded")
                    } catch let error as OperationFailure {
                        #expect(error.message.contains("\(environment)_web"), "\(error)")
                    }
                    let service = try await client.inspectService("\(environment)_web")
                    #expect(service.spec.taskTemplate.containerSpec.args == good.services[0].command)
                    #expect(service.updateStatus?.state?.hasPrefix("rollback") == true)
                    #expect(lines.lines.contains("service \(environment)_web updated"))
                } catch {
                    try? await environment(client, good).down(volumes: false)
                    throw error
                }
                try await environment(client, good).down(volumes: false)
            }
        }
    }

    @Test func aStackWithAMissingImageFailsBeforeAnyServiceIsCreated() async throws {
        try await EngineTestSupport.withClient { client in
            try await OneNodeSwarm.with(client) {
                var stack = stack()
                stack.services[0].image = "twiptest-engine-no-such-image:latest"
                await #expect(throws: DeploymentError.self) {
                    try await environment(client, stack).up(wait: true, timeout: .seconds(30))
                }
                #expect(try await services(client).isEmpty)
                try await environment(client, stack).down(volumes: false)
            }
        }
    }
}
