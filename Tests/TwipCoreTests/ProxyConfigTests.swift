import Testing

@testable import TwipCore

@Suite struct ProxyConfigTests {
    let web = ProxyBackend(
        service: "web", port: 8080, healthPath: "/health", sticky: true,
        servers: [
            ProxyServer(name: "prod-web-1", address: "172.18.0.4"),
            ProxyServer(name: "prod-web-2", address: "172.18.0.5"),
        ])

    @Test func haproxyListsEveryLiveReplicaWithItsCookie() {
        let text = ProxyConfig.render(.haproxy, backends: [web])
        #expect(text.contains("backend web\n"))
        #expect(text.contains("    server prod-web-1 172.18.0.4:8080 cookie prod-web-1\n"))
        #expect(text.contains("    server prod-web-2 172.18.0.5:8080 cookie prod-web-2\n"))
        #expect(text.contains("cookie SERVERID insert indirect nocache"))
        #expect(text.contains("option httpchk GET /health"))
    }

    @Test func haproxyBackendWithoutReplicasHasNoServers() {
        var empty = web
        empty.servers = []
        let text = ProxyConfig.render(.haproxy, backends: [empty])
        #expect(text.contains("backend web\n"))
        #expect(!text.contains("    server "))
    }

    @Test func nginxFileHoldsOnlyServerLinesOfTheLiveReplicas() {
        let text = ProxyConfig.render(.nginx, backends: [web])
        #expect(!text.contains("upstream"))
        #expect(text.contains("server 172.18.0.4:8080 max_fails=1 fail_timeout=2s;\n"))
        #expect(text.contains("server 172.18.0.5:8080 max_fails=1 fail_timeout=2s;\n"))
    }

    @Test func nginxUpstreamWithoutReplicasStaysValid() {
        var empty = web
        empty.servers = []
        let text = ProxyConfig.render(.nginx, backends: [empty])
        #expect(text.contains("server 127.0.0.1:8080 down;"))
    }
}
