import DockerEngine
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// The stack → service spec conversion, YAML in and specs out, as `docker stack deploy` converts compose files.
@Suite struct SwarmBlueprintTests {
    func deployment(_ yaml: String, environment: [String: String] = [:]) throws -> SwarmDeployment {
        let stack = try StackLoader(environment: environment).load(
            yaml: "x-twip: {orchestrator: swarm}\n" + yaml, path: "/srv/twiptest/stacks/public.yml",
            displayPath: "stacks/public.yml"
        ).stack
        return try SwarmBlueprint(
            stack: stack, names: EnvironmentNames(environment: "public"), processEnvironment: environment
        ).deployment()
    }

    func spec(_ yaml: String) throws -> ServiceSpec {
        try #require(try deployment(yaml).services.first)
    }

    @Test func aFullServiceBecomesTheSpecStackDeployWouldWrite() throws {
        let spec = try spec(
            """
            services:
              web:
                image: twip/web:1
                entrypoint: ["/opt/java/bin/java"]
                command: ["-jar", "app.jar"]
                environment: {MODE: public}
                labels: {team: news}
                user: "999"
                working_dir: /srv
                stop_grace_period: 10s
                stop_signal: SIGTERM
                healthcheck:
                  test: ["CMD", "wget", "-q", "http://127.0.0.1:8080/health"]
                  interval: 2s
                  timeout: 3s
                  retries: 3
                  start_period: 60s
                volumes:
                  - /srv/data:/data
                  - /srv/conf:/conf:ro
                tmpfs: [/tmp]
                networks:
                  front:
                    aliases: [app]
                deploy:
                  replicas: 3
                  endpoint_mode: dnsrr
                  labels: {tier: app}
                  placement: {constraints: ["node.role == worker"], max_replicas_per_node: 2}
                  restart_policy: {condition: on-failure, delay: 2s, max_attempts: 5, window: 60s}
                  update_config: {parallelism: 1, delay: 2s, order: start-first, failure_action: rollback, monitor: 10s, max_failure_ratio: 0.1}
                  rollback_config: {order: stop-first}
                  resources:
                    limits: {cpus: "1.5", memory: 512M}
                    reservations: {memory: 128M}
            networks:
              front:
                driver: overlay
            """)
        let twip = ["io.twip.env": "public", "io.twip.service": "web"]
        var container = ContainerSpec(image: "twip/web:1")
        container.labels = ["team": "news"].merging(twip) { $1 }
        container.command = ["/opt/java/bin/java"]
        container.args = ["-jar", "app.jar"]
        container.env = ["MODE=public"]
        container.dir = "/srv"
        container.user = "999"
        container.stopSignal = "SIGTERM"
        container.stopGracePeriod = 10_000_000_000
        container.healthcheck = HealthConfig(
            test: ["CMD", "wget", "-q", "http://127.0.0.1:8080/health"], interval: 2_000_000_000,
            timeout: 3_000_000_000, retries: 3, startPeriod: 60_000_000_000)
        container.mounts = [
            ServiceMount(type: "bind", source: "/srv/data", target: "/data"),
            ServiceMount(type: "bind", source: "/srv/conf", target: "/conf", readOnly: true),
            ServiceMount(type: "tmpfs", source: nil, target: "/tmp"),
        ]
        var task = TaskSpec(containerSpec: container)
        task.resources = ResourceRequirements(
            limits: TaskResources(nanoCPUs: 1_500_000_000, memoryBytes: 512 << 20),
            reservations: TaskResources(memoryBytes: 128 << 20))
        task.restartPolicy = SwarmRestartPolicy(
            condition: "on-failure", delay: 2_000_000_000, maxAttempts: 5, window: 60_000_000_000)
        task.placement = Placement(constraints: ["node.role == worker"], maxReplicas: 2)
        task.networks = [NetworkAttachment(target: "public_front", aliases: ["web", "app"])]
        var expected = ServiceSpec(name: "public_web", taskTemplate: task)
        expected.labels = ["tier": "app"].merging(twip) { $1 }
        expected.mode = ServiceMode(replicated: .init(replicas: 3))
        expected.updateConfig = ServiceUpdateConfig(
            parallelism: 1, delay: 2_000_000_000, failureAction: "rollback", monitor: 10_000_000_000,
            maxFailureRatio: 0.1, order: "start-first")
        expected.rollbackConfig = ServiceUpdateConfig(parallelism: 1, order: "stop-first")
        expected.endpointSpec = EndpointSpec(mode: "dnsrr")
        #expect(spec == expected)
    }

    @Test(arguments: [
        ("restart: \"no\"", SwarmRestartPolicy(condition: "none")),
        ("restart: always", SwarmRestartPolicy(condition: "any")),
        ("restart: unless-stopped", SwarmRestartPolicy(condition: "any")),
        ("restart: on-failure:3", SwarmRestartPolicy(condition: "on-failure", maxAttempts: 3)),
    ])
    func aComposeRestartBecomesASwarmRestartPolicy(line: String, expected: SwarmRestartPolicy) throws {
        let spec = try spec("services:\n  web:\n    image: a\n    \(line)\n")
        #expect(spec.taskTemplate.restartPolicy == expected)
    }

    @Test func aGlobalServiceHasNoReplicaCount() throws {
        let spec = try spec("services:\n  agent:\n    image: a\n    deploy: {mode: global}\n")
        #expect(spec.mode == ServiceMode(replicated: nil))
        #expect(spec.replicas == nil)
    }

    @Test func portsKeepTheirPublishModeAndDefaultToTheRoutingMesh() throws {
        let spec = try spec(
            """
            services:
              proxy:
                image: a
                ports:
                  - {target: 80, published: 18280, mode: host}
                  - "8443:443"
            """)
        #expect(
            spec.endpointSpec?.ports == [
                ServicePort(targetPort: 80, publishedPort: 18280, publishMode: "host"),
                ServicePort(targetPort: 443, publishedPort: 8443, publishMode: "ingress"),
            ])
    }

    @Test func networksAreAttachableOverlaysOwnedByTheEnvironmentAndExternalOnesAreUsedAsNamed() throws {
        let result = try deployment(
            """
            services:
              web: {image: a, networks: [front, shared]}
              worker: {image: a}
            networks:
              front: {labels: {zone: a}}
              shared: {external: true, name: company_net}
            """)
        var front = NetworkConfig(
            name: "public_front", driver: "overlay", labels: ["zone": "a", "io.twip.env": "public"])
        front.attachable = true
        var fallback = NetworkConfig(name: "public_default", driver: "overlay", labels: ["io.twip.env": "public"])
        fallback.attachable = true
        #expect(result.networks == [front, fallback])
        #expect(
            result.services.first?.taskTemplate.networks == [
                NetworkAttachment(target: "public_front", aliases: ["web"]),
                NetworkAttachment(target: "company_net", aliases: ["web"]),
            ])
        #expect(
            result.services.last?.taskTemplate.networks == [
                NetworkAttachment(target: "public_default", aliases: ["worker"])
            ])
    }

    @Test func aNamedVolumeCarriesItsDriverSoEveryNodeMountsTheSameShare() throws {
        let spec = try spec(
            """
            services:
              web:
                image: a
                volumes: ["data:/data"]
            volumes:
              data:
                driver: local
                driver_opts: {type: nfs, o: "addr=10.0.0.5,rw,nfsvers=4", device: ":/exports/news"}
            """)
        #expect(
            spec.taskTemplate.containerSpec.mounts == [
                ServiceMount(
                    type: "volume", source: "public_data", target: "/data",
                    volumeOptions: VolumeOptions(
                        labels: ["io.twip.env": "public"],
                        driverConfig: .init(
                            name: "local",
                            options: ["type": "nfs", "o": "addr=10.0.0.5,rw,nfsvers=4", "device": ":/exports/news"])))
            ])
    }

    @Test func keysASwarmIgnoresAreWarnedAbout() throws {
        let result = try deployment(
            """
            services:
              db: {image: a}
              web:
                image: a
                container_name: web
                depends_on: [db]
                links: [db]
                expose: ["8080"]
            """)
        #expect(
            result.warnings == [
                "service web: container_name is ignored on a swarm", "service web: depends_on is ignored on a swarm",
                "service web: links is ignored on a swarm", "service web: expose is ignored on a swarm",
            ])
    }

    @Test(arguments: [
        (
            "services:\n  web:\n    image: a\n    ports: [\"127.0.0.1:80:80\"]\n",
            "services.web.ports: port 80 is bound to 127.0.0.1, which a swarm cannot do; publish it in host mode without an address, or leave it unpublished"
        ),
        (
            "services:\n  web:\n    image: a\n    ports: [\"80:80\"]\n    deploy: {endpoint_mode: dnsrr}\n",
            "services.web.ports: port 80 is published through the routing mesh, which endpoint_mode dnsrr does not support; write mode: host"
        ),
        (
            "services:\n  web:\n    image: a\n    networks: [lan]\nnetworks:\n  lan: {driver: bridge}\n",
            "networks.lan.driver: driver bridge cannot carry swarm services across nodes; use overlay"
        ),
    ])
    func whatASwarmCannotDoIsAnErrorBeforeAnyEngineCall(yaml: String, expected: String) {
        do {
            _ = try deployment(yaml)
            Issue.record("expected a conversion error")
        } catch let error as SwarmConversionError {
            #expect(error.problems == [expected])
            #expect(error.kind == .usage)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theShippedPublicStackConvertsWithoutProblems() throws {
        let root = String(#filePath.prefix(upTo: #filePath.range(of: "/Tests/")!.lowerBound))
        let stack = try StackLoader(environment: ["TWIP_HTTP_PORT": "18280", "TWIP_STATS_PORT": "18938"]).load(
            path: root + "/stacks/public.yml"
        ).stack
        #expect(stack.orchestrator == .swarm)
        let result = try SwarmBlueprint(stack: stack, names: EnvironmentNames(environment: "public")).deployment()
        #expect(result.services.map(\.name) == ["public_proxy", "public_static", "public_web"])
        #expect(result.networks.map(\.name) == ["public_front"])
        let proxy = try #require(result.services.first)
        #expect(proxy.mode?.global != nil, "one proxy per node")
        #expect(proxy.endpointSpec?.ports?.map(\.publishMode) == ["host", "host"])
        #expect(proxy.endpointSpec?.ports?.map(\.publishedPort) == [18280, 18938])
        for backend in result.services.dropFirst() {
            #expect(backend.endpointSpec?.mode == "dnsrr")
            #expect(backend.updateConfig?.order == "start-first")
            #expect(backend.updateConfig?.failureAction == "rollback")
            #expect(backend.taskTemplate.containerSpec.healthcheck != nil)
        }
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }
}
