import Testing
import TwipStack

/// Values the engine (or the kernel, or a proxy's configuration) would refuse or overflow on later, after changes
/// were made, are refused while loading, at their place.
@Suite struct EngineRuleTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// The lines of the `web` service after `image: x` (or replacing it when they set `image`).
        var body: String
        var prefix: String
        var message: String
        var description: String { name }
    }

    static func stack(_ body: String) -> String {
        let image = body.hasPrefix("    image:") ? "" : "    image: x\n"
        return "services:\n  web:\n" + image + body + "  db:\n    image: postgres\n"
    }

    static let refused: [Case] = [
        Case(
            name: "cpus that overflow nano-CPUs", body: "    cpus: 10000000000\n",
            prefix: "stacks/test.yml:4:11: services.web.cpus: ", message: "expected a number from 0.01 to 1024"),
        Case(
            name: "limit cpus too small",
            body: "    deploy:\n      resources:\n        limits:\n          cpus: \"0.001\"\n",
            prefix: "stacks/test.yml:7:17: services.web.deploy.resources.limits.cpus: ", message: "from 0.01 to 1024"),
        Case(
            name: "replicas at Int.max", body: "    deploy:\n      replicas: 9223372036854775807\n",
            prefix: "stacks/test.yml:5:17: services.web.deploy.replicas: ",
            message: "expected a whole number from 0 to 1000"),
        Case(
            name: "scale above the maximum", body: "    scale: 1001\n",
            prefix: "stacks/test.yml:4:12: services.web.scale: ", message: "from 0 to 1000"),
        Case(
            name: "image with a newline", body: "    image: \"nginx\\n:latest\"\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "invalid image reference \"nginx\\n:latest\""
        ),
        Case(
            name: "image with NUL", body: "    image: \"nginx\\0\"\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "a control character"),
        Case(
            name: "image with a space", body: "    image: \"nginx latest\"\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "invalid image reference"),
        Case(
            name: "image with uppercase path", body: "    image: twip/Web\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "lowercase"),
        Case(
            name: "image with an empty tag", body: "    image: \"nginx:\"\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "the tag must be"),
        Case(
            name: "image with a bad digest", body: "    image: nginx@sha256:abc\n",
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "the digest"),
        Case(
            name: "hostname with a space and slash", body: "    hostname: \"a b/c\"\n",
            prefix: "stacks/test.yml:4:15: services.web.hostname: ", message: "invalid hostname \"a b/c\""),
        Case(
            name: "hostname longer than the kernel takes", body: "    hostname: \(String(repeating: "a", count: 65))\n",
            prefix: "stacks/test.yml:4:15: services.web.hostname: ", message: "longer than 64 characters"),
        Case(
            name: "network alias that is no hostname",
            body: "    networks:\n      default:\n        aliases: [\"bad_alias\"]\n",
            prefix: "stacks/test.yml:6:19: services.web.networks.default.aliases[0]: ",
            message: "invalid alias \"bad_alias\""),
        Case(
            name: "container_name with a slash", body: "    container_name: \"a/b\"\n",
            prefix: "stacks/test.yml:4:21: services.web.container_name: ", message: "invalid container_name"),
        Case(
            name: "unknown stop signal", body: "    stop_signal: SIGBOGUS\n",
            prefix: "stacks/test.yml:4:18: services.web.stop_signal: ", message: "invalid stop_signal \"SIGBOGUS\""),
        Case(
            name: "signal number out of range", body: "    stop_signal: \"65\"\n",
            prefix: "stacks/test.yml:4:18: services.web.stop_signal: ", message: "a number from 1 to 64"),
        Case(
            name: "CMD without a command", body: "    healthcheck:\n      test: [CMD]\n",
            prefix: "stacks/test.yml:5:13: services.web.healthcheck.test: ",
            message: "\"CMD\" must be followed by the command to run"),
        Case(
            name: "CMD-SHELL with an empty command", body: "    healthcheck:\n      test: [CMD-SHELL, \"\"]\n",
            prefix: "stacks/test.yml:5:13: services.web.healthcheck.test: ", message: "must be followed by the command"),
        Case(
            name: "NONE with a command", body: "    healthcheck:\n      test: [NONE, curl]\n",
            prefix: "stacks/test.yml:5:13: services.web.healthcheck.test: ", message: "takes nothing after it"),
        Case(
            name: "empty shell test", body: "    healthcheck:\n      test: \"\"\n",
            prefix: "stacks/test.yml:5:13: services.web.healthcheck.test: ", message: "command is empty"),
        Case(
            name: "interval below the engine's 1ms",
            body: "    healthcheck:\n      test: [CMD, true]\n      interval: 1ns\n",
            prefix: "stacks/test.yml:6:17: services.web.healthcheck.interval: ",
            message: "duration \"1ns\" is too short: the engine needs 0 (its default) or at least 1ms"),
        Case(
            name: "timeout below 1ms", body: "    healthcheck:\n      test: [CMD, true]\n      timeout: 999us\n",
            prefix: "stacks/test.yml:6:16: services.web.healthcheck.timeout: ", message: "too short"),
        Case(
            name: "host IP that is not an address", body: "    ports: [\"not-an-ip:80:80\"]\n",
            prefix: "stacks/test.yml:4:13: services.web.ports[0]: ",
            message: "host address \"not-an-ip\" is not an IPv4 or IPv6 address"),
        Case(
            name: "long syntax host_ip that is not an address",
            body: "    ports:\n      - target: 80\n        host_ip: 300.1.1.1\n",
            prefix: "stacks/test.yml:6:18: services.web.ports[0].host_ip: ", message: "invalid host_ip \"300.1.1.1\""),
        Case(
            name: "same host port twice in one service", body: "    ports: [\"8080:80\", \"8080:81\"]\n",
            prefix: "stacks/test.yml:4:24: services.web.ports[1]: ",
            message: "host port 8080/tcp on every address is already published by services.web.ports[0] (line 4)"),
        Case(
            name: "overlapping host ranges", body: "    ports: [\"8000-8010:80-90\", \"127.0.0.1:8010:80\"]\n",
            prefix: "stacks/test.yml:4:32: services.web.ports[1]: ",
            message: "host port 8010/tcp on 127.0.0.1 is already published by services.web.ports[0]"),
    ]

    @Test(arguments: refused)
    func valuesTheEngineWouldRefuseAreProblemsAtTheirPlace(_ testCase: Case) {
        let found = problems(Self.stack(testCase.body))
        #expect(found.contains { $0.hasPrefix(testCase.prefix) && $0.contains(testCase.message) }, "\(found)")
    }

    @Test func twoServicesPublishingTheSameHostPortAreAProblemAtTheSecond() {
        let found = problems(
            """
            services:
              proxy:
                image: haproxy
                ports: ["80:80"]
              static:
                image: nginx
                ports:
                  - target: 8080
                    published: 80
            """)
        #expect(
            found == [
                "stacks/test.yml:8:9: services.static.ports[0]: host port 80/tcp on every address is already published by services.proxy.ports[0] (line 4)"
            ])
    }

    @Test(arguments: [
        "    ports: [\"127.0.0.1:80:80\"]\n  other:\n    image: x\n    ports: [\"127.0.0.2:80:80\"]\n",
        "    ports: [\"80:80/udp\"]\n  other:\n    image: x\n    ports: [\"80:80/tcp\"]\n",
        "    ports: [\"8000-8009:80-89\"]\n  other:\n    image: x\n    ports: [\"8010-8019:80-89\", \"[::1]:8020:80\"]\n",
        "    ports: [\"[::1]:80:80\"]\n  other:\n    image: x\n    ports: [\"127.0.0.1:80:80\"]\n",
    ])
    func distinctHostAddressesPortsAndProtocolsDoNotCollide(body: String) throws {
        _ = try loadText(Self.stack(body))
    }

    @Test(arguments: [
        "    stop_signal: SIGTERM\n", "    stop_signal: TERM\n", "    stop_signal: sigquit\n",
        "    stop_signal: \"9\"\n",
        "    stop_signal: SIGRTMIN+3\n", "    stop_signal: RTMAX-1\n",
        "    image: localhost:5000/twip/web:1.0\n",
        "    image: registry.example.com:443/a/b_c__d-e.f:v1.2-rc_3\n",
        "    image: \"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n",
        "    image: \"[fd00::1]:5000/app\"\n",
        "    hostname: web-1.internal\n", "    mem_limit: 6m\n", "    cpus: 0.5\n",
        "    deploy:\n      replicas: 1000\n",
        "    healthcheck:\n      test: [CMD, curl, -f, http://localhost/]\n      interval: 0s\n      timeout: 1ms\n",
        "    healthcheck:\n      test: [NONE]\n", "    healthcheck:\n      test: []\n",
        "    ports: [\"[::1]:8080:80\", \"0.0.0.0:9090:90\"]\n",
    ])
    func valuesTheEngineAcceptsStillLoad(body: String) throws {
        _ = try loadText(Self.stack(body))
    }
}
