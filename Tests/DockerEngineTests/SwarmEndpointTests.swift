import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// Swarm, node, service and task endpoints against the real engine, on a one-node swarm the tests make and leave.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct SwarmEndpointTests {
    @Test func aManagerHasJoinTokensAndListsItselfAsTheLeader() async throws {
        try await EngineTestSupport.withClient { client in
            try await OneNodeSwarm.with(client) {
                let state = try await client.localSwarmState()
                #expect(state.isActive && state.isManager)
                let swarm = try await client.inspectSwarm()
                #expect(swarm.joinTokens?.worker.hasPrefix("SWMTKN-") == true)
                #expect(swarm.joinTokens?.manager != swarm.joinTokens?.worker)
                let nodes = try await client.listNodes()
                let me = try #require(nodes.first { $0.id == state.nodeID })
                #expect(me.role == "manager")
                #expect(me.isLeader)
                #expect(me.state == "ready")
            }
        }
    }

    @Test func aServiceIsCreatedUpdatedWithItsVersionRolledBackAndRemoved() async throws {
        try await EngineTestSupport.withEngine { client in
            try await OneNodeSwarm.with(client) {
                let image = try await client.inspectImage(EngineTestSupport.image).id
                let name = EngineTestSupport.uniqueName("service")
                var container = ContainerSpec(image: image)
                container.command = ["sh", "-c", "echo hello from $(hostname); exec httpd -f -p 8080 -h /www"]
                container.labels = ["io.twip.test": "swarm"]
                var spec = ServiceSpec(name: name, taskTemplate: TaskSpec(containerSpec: container))
                spec.labels = ["io.twip.test": "swarm"]
                spec.replicas = 1
                spec.endpointSpec = EndpointSpec(mode: "dnsrr")
                let created = try await client.createService(spec)
                let id = try #require(created.id)
                do {
                    try await exercise(client, id: id)
                } catch {
                    try? await client.removeService(id)
                    throw error
                }
            }
        }
    }

    func exercise(_ client: DockerClient, id: String) async throws {
        try await waitForRunning(client, service: id, count: 1)
        let first = try await client.inspectService(id)
        #expect(first.spec.labels?["io.twip.test"] == "swarm")

        var scaled = first.spec
        scaled.replicas = 2
        try await client.updateService(id, version: first.version, spec: scaled)
        try await waitForRunning(client, service: id, count: 2)
        let tasks = try await client.listTasks(filters: ["service": [id], "desired-state": ["running"]])
        #expect(Set(tasks.compactMap(\.slot)) == [1, 2])

        // The version read before the update is stale now.
        do {
            try await client.updateService(id, version: first.version, spec: scaled)
            Issue.record("an update with a stale version was accepted")
        } catch let error as EngineError {
            #expect(error.message.contains("out of sequence"), "\(error)")
        }

        let second = try await client.inspectService(id)
        try await client.updateService(id, version: second.version, spec: second.spec, rollback: true)
        #expect(try await client.inspectService(id).spec.replicas == 1)
        #expect(try await client.listServices(filters: .labels(["io.twip.test=swarm"])).map(\.id) == [id])

        var text = ""
        for try await frame in try await client.serviceLogs(id, options: LogOptions(tail: 10)) {
            text += String(decoding: frame.bytes, as: UTF8.self)
        }
        #expect(text.contains("hello from"))

        try await client.removeService(id)
        do {
            _ = try await client.inspectService(id)
            Issue.record("a removed service is still there")
        } catch let error as EngineError {
            #expect(error.isNotFound)
        }
    }

    func waitForRunning(_ client: DockerClient, service: String, count: Int) async throws {
        for _ in 0..<120 {
            let tasks = try await client.listTasks(filters: ["service": [service], "desired-state": ["running"]])
            if tasks.filter({ $0.status.state == "running" }).count == count { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("service \(service) did not run \(count) tasks within 30 s")
    }
}
