import Testing

@testable import TwipCore

@Suite struct ProxyConfigTests {
    let web = ProxyBackend(
        service: "web", port: 8080, healthPath: "/health", sticky: true,
        servers: [
            ProxyServer(name: "prod-web-1", address: "172.18.0.4"),
            ProxyServer(name: "prod-web-2", address: "172.18.0.5"),
        ])

    @Test func haproxyListsEveryLiveReplicaWithDynamicStickiness() {
        let text = ProxyConfig.render(.haproxy, backends: [web])
        #expect(text.contains("backend web\n"))
        #expect(text.contains("    server prod-web-1 172.18.0.4:8080\n"))
        #expect(text.contains("    server prod-web-2 172.18.0.5:8080\n"))
        #expect(text.contains("cookie SERVERID insert indirect nocache dynamic"))
        #expect(text.contains("dynamic-cookie-key twip-twip-web"))
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

@Suite struct HAProxyRuntimeTests {
    @Test func serversStateIsParsedIntoNamesAddressesAndMaintenance() {
        let text = """
            1
            # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
            5 web 1 prod-web-1 172.30.0.3 2 0 1 1 6 15 3 2 6 0 0 0 - 8080 - 0 0 - - 0
            5 web 2 prod-web-2 172.30.0.4 2 1 1 1 0 1 0 1 6 0 0 0 - 8080 - 0 0 - - 0

            """
        let servers = HAProxyRuntime.parseServersState(text)
        #expect(servers.map(\.name) == ["prod-web-1", "prod-web-2"])
        #expect(servers.map(\.inMaintenance) == [false, true])
        #expect(servers.first?.address == "172.30.0.3")
        #expect(servers.first?.port == 8080)
    }
}
