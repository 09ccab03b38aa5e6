import Testing
import TwipStack

@Suite struct SwarmDecodingTests {
    @Test func aStackRunsOnContainersUnlessItsExtensionSaysSwarm() throws {
        let plain = try loadText("services:\n  web:\n    image: nginx\n")
        #expect(plain.stack.orchestrator == .containers)
        let swarm = try loadText("x-twip:\n  orchestrator: swarm\nservices:\n  web:\n    image: nginx\n")
        #expect(swarm.stack.orchestrator == .swarm)
    }

    @Test func theRegistryIsReadFromTheExtension() throws {
        let loaded = try loadText(
            "x-twip:\n  orchestrator: swarm\n  registry: 127.0.0.1:5000/news\nservices:\n  web:\n    image: nginx\n")
        #expect(loaded.stack.registry == "127.0.0.1:5000/news")
        #expect(try loadText("services:\n  web:\n    image: nginx\n").stack.registry == nil)
    }

    @Test(arguments: [
        ("registry.example.com", true), ("127.0.0.1:5000", true), ("localhost:5000/team/news", true),
        ("[::1]:5000", true), ("reg-1.example.com:443/a_b/c.d", true), ("localhost", true), ("registry:5000", true),
        ("registry", false), ("registry/news", false),
        ("", false), ("http://127.0.0.1:5000", false), ("127.0.0.1:", false), ("127.0.0.1:0", false),
        (":5000", false), ("registry.example.com/News", false), ("registry.example.com//news", false),
        ("registry.example.com:5000:5001", false), ("reg istry", false), ("-registry.example.com", false),
        ("[::1", false), ("registry.example.com/news:v1", false),
    ])
    func aRegistryAddressIsHostPortAndAnOptionalPath(address: String, valid: Bool) {
        #expect((RegistryAddress.problem(address) == nil) == valid, "\(RegistryAddress.problem(address) ?? "valid")")
    }

    @Test func everySwarmDeployKeyIsDecoded() throws {
        let loaded = try loadText(
            """
            x-twip: {orchestrator: swarm}
            services:
              web:
                image: nginx
                deploy:
                  mode: replicated
                  replicas: 3
                  endpoint_mode: dnsrr
                  labels: {team: news}
                  placement:
                    constraints: ["node.role == worker", "node.labels.zone != b"]
                    max_replicas_per_node: 2
                  restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
                  update_config:
                    parallelism: 2
                    delay: 10s
                    order: start-first
                    failure_action: rollback
                    monitor: 30s
                    max_failure_ratio: 0.25
                  rollback_config: {parallelism: 1, order: stop-first}
            """)
        let deploy = try #require(loaded.stack.services.first).deploy
        #expect(deploy.replicas == 3)
        #expect(
            deploy.swarm
                == SwarmDeploy(
                    mode: .replicated, placementConstraints: ["node.role == worker", "node.labels.zone != b"],
                    maxReplicasPerNode: 2,
                    restartPolicy: SwarmRestart(
                        condition: .onFailure, delay: .seconds(5), maxAttempts: 3, window: .seconds(120)),
                    rollbackConfig: UpdateConfig(parallelism: 1, order: .stopFirst), labels: ["team": "news"],
                    endpointMode: .dnsrr))
        #expect(
            deploy.updateConfig
                == UpdateConfig(
                    parallelism: 2, delay: .seconds(10), order: .startFirst, failureAction: .rollback,
                    monitor: .seconds(30), maxFailureRatio: 0.25))
    }

    @Test(arguments: [
        (
            "x-twip: {orchestrator: kubernetes}\nservices: {web: {image: nginx}}\n",
            "stacks/test.yml:1:24: x-twip.orchestrator: invalid orchestrator \"kubernetes\": expected containers or swarm"
        ),
        (
            "x-twip: {orchestrator: swarm, registry: \"https://registry.example.com\"}\nservices: {web: {image: nginx}}\n",
            "stacks/test.yml:1:41: x-twip.registry: invalid registry \"https://registry.example.com\": a registry is not a URL; expected HOST[:PORT] with an optional /path, e.g. registry.example.com:5000"
        ),
        (
            "x-twip:\n  orchestrator: swarm\n  registry: 127.0.0.1:99999\nservices: {web: {image: nginx}}\n",
            "stacks/test.yml:3:13: x-twip.registry: invalid registry \"127.0.0.1:99999\": the port \"99999\" is not a number from 1 to 65535; expected HOST[:PORT] with an optional /path, e.g. registry.example.com:5000"
        ),
        (
            "x-twip:\n  registry: [a, b]\nservices: {web: {image: nginx}}\n",
            "stacks/test.yml:2:13: x-twip.registry: expected a string, got a list"
        ),
        (
            "x-twip:\n  registy: 127.0.0.1:5000\nservices: {web: {image: nginx}}\n",
            "stacks/test.yml:2:3: x-twip.registy: unknown key \"registy\"; did you mean \"registry\"?"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      mode: globl\n",
            "stacks/test.yml:5:13: services.web.deploy.mode: invalid mode \"globl\": expected replicated or global"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      endpoint_mode: dns\n",
            "stacks/test.yml:5:22: services.web.deploy.endpoint_mode: invalid endpoint_mode \"dns\": expected vip or dnsrr"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints:\n          - node.role = manager\n",
            "stacks/test.yml:7:13: services.web.deploy.placement.constraints[0]: invalid constraint \"node.role = manager\": expected NAME==VALUE or NAME!=VALUE"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      restart_policy: {condition: always}\n",
            "stacks/test.yml:5:35: services.web.deploy.restart_policy.condition: invalid condition \"always\": expected none, on-failure or any"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      update_config: {max_failure_ratio: 2}\n",
            "stacks/test.yml:5:42: services.web.deploy.update_config.max_failure_ratio: invalid max_failure_ratio \"2\": expected a number from 0 to 1"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      rollback_config: {order: sideways}\n",
            "stacks/test.yml:5:32: services.web.deploy.rollback_config.order: invalid order \"sideways\": expected start-first or stop-first"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      mode: global\n      replicas: 2\n",
            "stacks/test.yml:6:7: services.web.deploy.replicas: replicas cannot be set for a global service"
        ),
        (
            "services:\n  web:\n    image: nginx\n    deploy:\n      rollback_config: {failure_action: rollback}\n",
            "stacks/test.yml:5:7: services.web.deploy.rollback_config.failure_action: a failed rollback cannot roll back: expected pause or continue"
        ),
        (
            "services:\n  web:\n    image: nginx\n    ports:\n      - {target: 80, published: 8080, mode: mesh}\n",
            "stacks/test.yml:5:45: services.web.ports[0].mode: invalid mode \"mesh\": expected host or ingress"
        ),
    ])
    func aWrongSwarmKeyIsReportedWhereItIsWritten(yaml: String, expected: String) {
        #expect(problems(yaml).contains(expected), "\(problems(yaml))")
    }
}
