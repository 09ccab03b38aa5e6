import Foundation
import Testing
import TwipStack

/// `x-twip-proxy` is decoded with the rest of the stack: a typed declaration, problems with file, line and column.
@Suite struct ProxyDeclarationTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theProductionStackDeclaresAnHAProxyWithTwoBackends() throws {
        let stack = try StackLoader(environment: [:]).load(path: "\(Self.repoRoot)/stacks/prod.yml").stack
        #expect(
            stack.service(named: "proxy")?.proxy
                == ProxyDeclaration(
                    kind: .haproxy, configPath: "/usr/local/etc/haproxy/backends.cfg",
                    backends: [
                        .init(service: "static", port: 80, healthPath: "/healthz", sticky: false),
                        .init(service: "web", port: 8080, healthPath: "/health", sticky: true),
                    ],
                    runtime: "127.0.0.1:9999"))
        #expect(stack.services.filter { $0.proxy != nil }.map(\.name) == ["proxy"])
    }

    @Test func theTrainingStackDeclaresAnNginxWithOneBackend() throws {
        let stack = try StackLoader(environment: [:]).load(path: "\(Self.repoRoot)/stacks/train.yml").stack
        #expect(
            stack.service(named: "static")?.proxy
                == ProxyDeclaration(
                    kind: .nginx, configPath: "/etc/nginx/twip/upstream.conf",
                    backends: [.init(service: "web", port: 8080, healthPath: "/health", sticky: true)]))
    }

    @Test func theDeclarationStaysInTheNormalizedStackAndOutOfTheHash() throws {
        let yaml = Self.stack(
            "      kind: nginx\n      config: /etc/nginx/up.conf\n      backends:\n        web: {port: 80}\n")
        let stack = try loadText(yaml).stack
        let proxy = try #require(stack.service(named: "proxy"))
        #expect(stack.normalizedYAML().contains("x-twip-proxy:\n"))
        var plain = proxy
        plain.extensions = []
        plain.proxy = nil
        #expect(plain.configHash == proxy.configHash)
        #expect(try loadText(stack.normalizedYAML()).stack.services == stack.services)
    }

    static func stack(_ declaration: String) -> String {
        "services:\n  proxy:\n    image: haproxy\n    x-twip-proxy:\n" + declaration
            + "  web:\n    image: x\n  static:\n    image: x\n"
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var declaration: String
        var problem: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "not a mapping", declaration: "      - haproxy\n",
            problem:
                "stacks/test.yml:5:7: services.proxy.x-twip-proxy: expected a mapping with kind, config and backends"),
        Case(
            name: "unknown kind",
            declaration: "      kind: traefik\n      config: /c\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:5:13: services.proxy.x-twip-proxy.kind: expected one of haproxy, nginx, got \"traefik\""
        ),
        Case(
            name: "missing kind", declaration: "      config: /c\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:5:7: services.proxy.x-twip-proxy.kind: expected one of haproxy, nginx, got nothing"),
        Case(
            name: "unknown key", declaration: "      kind: nginx\n      confg: /c\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:6:7: services.proxy.x-twip-proxy.confg: unknown key \"confg\"; did you mean \"config\"?"
        ),
        Case(
            name: "relative config",
            declaration: "      kind: nginx\n      config: up.conf\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:6:15: services.proxy.x-twip-proxy.config: expected the absolute path of the backends file in the container"
        ),
        Case(
            name: "no backends", declaration: "      kind: nginx\n      config: /c\n",
            problem:
                "stacks/test.yml:5:7: services.proxy.x-twip-proxy.backends: expected a mapping of service name to { port, health, sticky }"
        ),
        Case(
            name: "backend that is no service",
            declaration: "      kind: haproxy\n      config: /c\n      backends:\n        wbe: {port: 80}\n",
            problem:
                "stacks/test.yml:8:9: services.proxy.x-twip-proxy.backends.wbe: no service named \"wbe\" in the stack"),
        Case(
            name: "backend not a mapping",
            declaration: "      kind: haproxy\n      config: /c\n      backends:\n        web: 80\n",
            problem:
                "stacks/test.yml:8:14: services.proxy.x-twip-proxy.backends.web: expected a mapping with port, health and sticky"
        ),
        Case(
            name: "port out of range",
            declaration: "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 70000}\n",
            problem:
                "stacks/test.yml:8:21: services.proxy.x-twip-proxy.backends.web.port: expected a port number from 1 to 65535"
        ),
        Case(
            name: "health without a slash",
            declaration:
                "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 80, health: health}\n",
            problem:
                "stacks/test.yml:8:33: services.proxy.x-twip-proxy.backends.web.health: expected a path starting with /"
        ),
        Case(
            name: "health path that would inject configuration",
            declaration:
                "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 80, health: \"/h\\n    server evil 10.0.0.1:80\"}\n",
            problem:
                "stacks/test.yml:8:33: services.proxy.x-twip-proxy.backends.web.health: invalid health path \"/h\\n    server evil 10.0.0.1:80\""
        ),
        Case(
            name: "health path with a space",
            declaration:
                "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 80, health: \"/a HTTP/1.1\"}\n",
            problem: "stacks/test.yml:8:33: services.proxy.x-twip-proxy.backends.web.health: invalid health path"),
        Case(
            name: "sticky not a boolean",
            declaration:
                "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 80, sticky: yes}\n",
            problem: "stacks/test.yml:8:33: services.proxy.x-twip-proxy.backends.web.sticky: expected true or false"),
        Case(
            name: "unknown backend key",
            declaration: "      kind: haproxy\n      config: /c\n      backends:\n        web: {port: 80, helth: /h}\n",
            problem:
                "stacks/test.yml:8:25: services.proxy.x-twip-proxy.backends.web.helth: unknown key \"helth\"; did you mean \"health\"?"
        ),
        Case(
            name: "nginx with two backends",
            declaration:
                "      kind: nginx\n      config: /c\n      backends:\n        web: {port: 80}\n        static: {port: 80}\n",
            problem:
                "stacks/test.yml:8:9: services.proxy.x-twip-proxy.backends: an nginx proxy includes one upstream file, so it takes one backend"
        ),
        Case(
            name: "runtime on nginx",
            declaration:
                "      kind: nginx\n      config: /c\n      runtime: 127.0.0.1:9999\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:7:16: services.proxy.x-twip-proxy.runtime: only an haproxy proxy has a runtime API"),
        Case(
            name: "runtime without a port",
            declaration:
                "      kind: haproxy\n      config: /c\n      runtime: 127.0.0.1\n      backends: {web: {port: 80}}\n",
            problem:
                "stacks/test.yml:7:16: services.proxy.x-twip-proxy.runtime: expected HOST:PORT of the admin socket, got \"127.0.0.1\""
        ),
    ]

    @Test(arguments: cases)
    func everyDeclarationProblemHasFileLineAndColumn(_ testCase: Case) {
        let found = problems(Self.stack(testCase.declaration))
        #expect(found.contains { $0.hasPrefix(testCase.problem) }, "\(found)")
    }
}
