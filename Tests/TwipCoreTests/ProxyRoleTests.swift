import Foundation
import Testing
import TwipCore
import TwipStack

/// A proxy role is the stack's `x-twip-proxy` declaration, mapped one to one.
@Suite struct ProxyRoleTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theProductionProxyIsAnHAProxyWithRuntimeAPIAndTwoBackends() throws {
        let stack = try StackLoader(environment: [:]).load(path: "\(Self.repoRoot)/stacks/prod.yml").stack
        let roles = ProxyRole.roles(in: stack)
        #expect(roles.map(\.service) == ["proxy"])
        let role = try #require(roles.first)
        #expect(role.kind == .haproxy)
        #expect(role.reloadSignal == "SIGUSR2")
        #expect(role.configPath == "/usr/local/etc/haproxy/backends.cfg")
        #expect(role.runtime == "127.0.0.1:9999")
        #expect(role.backends.map(\.service) == ["static", "web"])
        #expect(role.backends.map(\.port) == [80, 8080])
        #expect(role.backends.map(\.healthPath) == ["/healthz", "/health"])
        #expect(role.backends.map(\.sticky) == [false, true])
    }

    @Test func theTrainingProxyIsAnNginxReloadedWithSIGHUP() throws {
        let stack = try StackLoader(environment: [:]).load(path: "\(Self.repoRoot)/stacks/train.yml").stack
        let role = try #require(ProxyRole.roles(in: stack).first)
        #expect(role.service == "static")
        #expect(role.kind == .nginx)
        #expect(role.reloadSignal == "SIGHUP")
        #expect(role.runtime == nil)
        #expect(role.backends.map(\.service) == ["web"])
    }
}
