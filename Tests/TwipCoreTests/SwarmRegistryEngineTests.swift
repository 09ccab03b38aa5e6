import DockerEngine
import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// A busybox service on a one-node swarm deployed through Debian's docker-registry on 127.0.0.1: pushed, run by
/// digest, not pushed again when unchanged, the registry found on the command line, in the stack or on a labelled
/// swarm service, and a registry that is down stopping `up` before anything changes.
@Suite(
    .serialized,
    .enabled(
        if: EngineTestSupport.isCI || (EngineTestSupport.engineAnswers && TestRegistry.isInstalled),
        "needs a Docker engine and docker-registry (or CI=true to fail without them)"))
struct SwarmRegistryEngineTests {
    static let registryPort = 19150
    /// Nothing listens there: a registry that is down.
    static let downPort = 19151

    func stack(_ environment: String, command: String = "echo serving; exec httpd -f -p 8080 -h /www") -> Stack {
        let web = Service(
            name: "web", image: EngineTestSupport.image, command: ["sh", "-c", command],
            healthcheck: Healthcheck(
                test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
                interval: .milliseconds(500), timeout: .seconds(2), retries: 3),
            deploy: Deploy(replicas: 1, updateConfig: UpdateConfig(parallelism: 1, order: .startFirst)))
        var stack = Stack(name: environment, filePath: "/tmp/\(environment).yml", directory: "/tmp", services: [web])
        stack.orchestrator = .swarm
        return stack
    }

    func environment(
        _ client: DockerClient, _ stack: Stack, registry: ImageRegistry?, lines: LineSink = LineSink()
    ) -> Environment {
        var environment = Environment(
            session: EngineSession(client: client), stack: stack, name: stack.name, proxies: [],
            processEnvironment: [:], report: { lines.append("\($0)") })
        environment.pollInterval = .milliseconds(250)
        environment.registry = registry
        return environment
    }

    func labelled(_ client: DockerClient, _ environment: String) async throws -> (services: Int, networks: Int) {
        let filter = Filters.labels(["io.twip.env=\(environment)"])
        return (
            try await client.listServices(filters: filter).count, try await client.listNetworks(filters: filter).count
        )
    }

    /// Removes the tags and digest references the pushes put on the shared busybox image.
    func untag(_ client: DockerClient, _ repository: String) async {
        guard let image = try? await client.inspectImage(EngineTestSupport.image) else { return }
        for reference in (image.repoTags ?? []) + (image.repoDigests ?? []) where reference.hasPrefix(repository) {
            _ = try? await client.removeImage(reference)
        }
    }

    @Test func upPushesRunsByDigestPushesNothingTwiceAndStopsBeforeAnyChangeWhenTheRegistryIsDown() async throws {
        try await EngineTestSupport.withEngine { client in
            try await OneNodeSwarm.with(client) {
                let name = "regtest\(UInt16.random(in: 1000...65000))"
                let fresh = "regtest\(UInt16.random(in: 1000...65000))fresh"
                let repository = "127.0.0.1:\(Self.registryPort)/twip-\(name)-web"
                do {
                    try await TestRegistry.with(port: Self.registryPort) { registry in
                        try await exercise(client, name: name, fresh: fresh, registry: registry)
                    }
                } catch {
                    Issue.record(error)
                }
                try? await environment(client, stack(name), registry: nil).down(volumes: false)
                try? await environment(client, stack(fresh), registry: nil).down(volumes: false)
                await untag(client, repository)
            }
        }
    }

    func exercise(_ client: DockerClient, name: String, fresh: String, registry: TestRegistry) async throws {
        let given = ImageRegistry(address: registry.address, origin: .option)
        let repository = "\(registry.address)/twip-\(name)-web"

        // What a dry run says it would push, before anything is pushed.
        let preview = try #require(
            try await environment(client, stack(name), registry: given).swarmPreview(selection: nil))
        #expect(preview.first == "images go through registry \(registry.address) (--registry)", "\(preview)")
        #expect(
            preview.contains {
                $0.hasPrefix("push \(EngineTestSupport.image) of web as \(repository):")
            }, "\(preview)")

        let first = LineSink()
        try await environment(client, stack(name), registry: given, lines: first).up(wait: true, timeout: .seconds(90))
        #expect(first.lines.contains("images go through registry \(registry.address) (--registry)"), "\(first.lines)")
        #expect(first.lines.contains { $0.hasPrefix("web: pushing \(EngineTestSupport.image) as \(repository):") })
        let pushed = try #require(first.lines.first { $0.hasPrefix("pushed \(repository):") }, "\(first.lines)")

        // The spec names the image by the digest the registry holds, and the task runs it.
        let service = try await client.inspectService("\(name)_web")
        let image = service.spec.taskTemplate.containerSpec.image
        #expect(image.hasPrefix("\(repository)@sha256:"), "\(image)")
        let digest = String(image.dropFirst(repository.count + 1))
        #expect(pushed.hasSuffix("(\(digest))"), "\(pushed)")
        let tag = try #require(pushed.split(separator: " ")[1].split(separator: ":").last.map(String.init))
        #expect(try await client.distributionDescriptor("\(repository):\(tag)").digest == digest)
        #expect(service.spec.labels?["io.twip.image"] == EngineTestSupport.image)
        let tasks = try await environment(client, stack(name), registry: given).ps()
        #expect(tasks.count == 1)
        #expect(tasks.allSatisfy { $0.state == .running && $0.health == .healthy }, "\(tasks)")
        let running = try await client.listTasks(
            filters: Filters(["service": [service.id], "desired-state": ["running"]]))
        #expect(running.map { $0.spec?.containerSpec.image } == [image])

        // Unchanged: nothing pushed, nothing updated, no task replaced.
        let again = LineSink()
        try await environment(client, stack(name), registry: given, lines: again).up(wait: true, timeout: .seconds(90))
        #expect(!again.lines.contains { $0.contains("pushing") || $0.hasPrefix("pushed") }, "\(again.lines)")
        #expect(again.lines.contains("web: \(repository):\(tag) already in the registry (\(digest)), not pushed"))
        #expect(!again.lines.contains { $0.contains("updated") || $0.contains("created") }, "\(again.lines)")
        let after = try await client.inspectService("\(name)_web")
        #expect(after.version == service.version)
        #expect(try await environment(client, stack(name), registry: given).swarmPreview(selection: nil) == [])

        // The registry goes down: a changed stack is refused before any change, naming the registry.
        registry.stop()
        let changed = stack(name, command: "echo changed; exec httpd -f -p 8080 -h /www")
        do {
            try await environment(client, changed, registry: given).up(wait: true, timeout: .seconds(60))
            Issue.record("up succeeded with the registry down")
        } catch let error as OperationFailure {
            #expect(error.message.contains("registry \(registry.address) (--registry)"), "\(error)")
            #expect(error.message.contains("connection refused"), "\(error)")
            #expect(error.message.hasSuffix("nothing was deployed"), "\(error)")
        }
        let untouched = try await client.inspectService("\(name)_web")
        #expect(untouched.version == service.version)
        #expect(untouched.spec.taskTemplate.containerSpec.image == image)

        // A new environment through a registry that is down: no network, no service.
        do {
            try await environment(client, stack(fresh), registry: given).up(wait: true, timeout: .seconds(60))
            Issue.record("up succeeded with the registry down")
        } catch let error as OperationFailure {
            #expect(error.message.contains(registry.address), "\(error)")
        }
        let left = try await labelled(client, fresh)
        #expect(left.services == 0 && left.networks == 0)
    }

    @Test func theRegistryComesFromTheOptionThenTheStackThenALabelledSwarmService() async throws {
        try await EngineTestSupport.withEngine { client in
            try await OneNodeSwarm.with(client) {
                let name = "regtest\(UInt16.random(in: 1000...65000))"
                let repository = "127.0.0.1:\(Self.registryPort)/twip-\(name)-web"
                var spec = ContainerSpec(image: try await client.inspectImage(EngineTestSupport.image).id)
                spec.command = ["sleep", "600"]
                let labelledName = "regtest-registry-\(UInt16.random(in: 1000...65000))"
                var labelledSpec = ServiceSpec(name: labelledName, taskTemplate: TaskSpec(containerSpec: spec))
                labelledSpec.labels = ["io.twip.registry": "127.0.0.1:\(Self.registryPort)"]
                let labelledID = try #require(try await client.createService(labelledSpec).id)
                do {
                    try await TestRegistry.with(port: Self.registryPort) { registry in
                        let lines = LineSink()
                        try await environment(client, stack(name), registry: nil, lines: lines)
                            .up(wait: true, timeout: .seconds(90))
                        #expect(
                            lines.lines.contains(
                                "images go through registry \(registry.address) (swarm service \(labelledName) "
                                    + "labelled io.twip.registry)"), "\(lines.lines)")
                        let image = try await client.inspectService("\(name)_web").spec.taskTemplate.containerSpec
                            .image
                        #expect(image.hasPrefix("\(repository)@sha256:"), "\(image)")

                        // The stack's registry comes before the swarm's: here one that is down.
                        var pinned = stack(name)
                        pinned.registry = "127.0.0.1:\(Self.downPort)"
                        do {
                            _ = try await environment(client, pinned, registry: nil).swarmPreview(selection: nil)
                            Issue.record("the stack's registry was not asked")
                        } catch let error as OperationFailure {
                            #expect(
                                error.message.contains(
                                    "registry 127.0.0.1:\(Self.downPort) (x-twip.registry in /tmp/\(name).yml)"),
                                "\(error)")
                        }
                        // And the one given before the stack's.
                        let given = ImageRegistry(address: registry.address, origin: .environmentVariable)
                        #expect(
                            try await environment(client, pinned, registry: given).swarmPreview(selection: nil) == [])
                    }
                } catch {
                    Issue.record(error)
                }
                try? await client.removeService(labelledID)
                try? await environment(client, stack(name), registry: nil).down(volumes: false)
                await untag(client, repository)
            }
        }
    }
}
