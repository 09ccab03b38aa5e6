import DockerEngine
import Testing
import TwipCore
import TwipStack

/// What a service's engine options become in the create body.
@Suite struct ReplicaBlueprintOptionsTests {
    static let yaml = """
        services:
          web:
            image: nginx
            init: true
            tty: true
            stdin_open: true
            shm_size: 64m
            ulimits: {nofile: {soft: 1024, hard: 2048}}
            cap_add: [NET_ADMIN]
            cap_drop: [MKNOD]
            security_opt: ["label:disable"]
            pids_limit: 50
            logging: {driver: local, options: {max-size: 5m}}
            dns: [9.9.9.9]
            dns_search: [lan]
            dns_opt: [ndots:1]
            extra_hosts: ["db:10.0.0.2"]
            group_add: [audio]
            devices: ["/dev/null:/dev/mine"]
            runtime: runc
            volumes_from: ["db:ro"]
            volumes: ["/srv:/srv:rslave"]
            secrets: [pw]
            configs: [{source: conf, target: /etc/app.conf}]
          db:
            image: postgres
            network_mode: service:web
            secrets: [vault]
        secrets:
          pw: {file: ./pw.txt}
          vault: {external: true}
        configs:
          conf: {file: ./app.conf}
        """

    static func blueprint() throws -> (ReplicaBlueprint, Stack) {
        let stack = try StackLoader(environment: [:]).load(yaml: yaml, path: "/srv/twiptest-options/stack.yml").stack
        return (ReplicaBlueprint(stack: stack, names: EnvironmentNames(environment: "twiptest")), stack)
    }

    @Test func everyOptionReachesTheHostConfig() throws {
        let (blueprint, stack) = try Self.blueprint()
        let config = blueprint.containerConfig(for: try #require(stack.service(named: "web")), replica: 1)
        let host = try #require(config.hostConfig)
        #expect(config.tty == true && config.openStdin == true)
        #expect(host.initProcess == true)
        #expect(host.shmSize == Int64(64 << 20))
        #expect(host.ulimits == [DockerEngine.Ulimit(name: "nofile", soft: 1024, hard: 2048)])
        #expect(host.capAdd == ["NET_ADMIN"] && host.capDrop == ["MKNOD"])
        #expect(host.securityOpt == ["no-new-privileges", "label:disable"])
        #expect(host.pidsLimit == 50)
        #expect(host.logConfig == LogConfig(type: "local", config: ["max-size": "5m"]))
        #expect(host.dns == ["9.9.9.9"] && host.dnsSearch == ["lan"] && host.dnsOptions == ["ndots:1"])
        #expect(host.extraHosts == ["db:10.0.0.2"])
        #expect(host.groupAdd == ["audio"])
        #expect(host.devices == [DeviceMapping(pathOnHost: "/dev/null", pathInContainer: "/dev/mine")])
        #expect(host.runtime == "runc")
        let db = EnvironmentNames(environment: "twiptest").container(service: "db", replica: 1)
        #expect(host.volumesFrom == ["\(db):ro"])
        #expect(
            host.binds == [
                "/srv:/srv:rslave", "/srv/twiptest-options/pw.txt:/run/secrets/pw:ro",
                "/srv/twiptest-options/app.conf:/etc/app.conf:ro",
            ])
    }

    /// A proxy's holder and its generations: the holder owns ports and namespace and stops on SIGTERM whatever the
    /// proxy image's stop signal; an nginx generation gets no handover volume, an HAProxy one does.
    @Test func holdersStopOnSigtermAndOnlyHAProxyGenerationsMountTheHandoverVolume() throws {
        let (blueprint, stack) = try Self.blueprint()
        let web = try #require(stack.service(named: "web"))
        let holder = blueprint.holderConfig(for: web, image: "twip-twiptest-web:latest")
        #expect(holder.stopSignal == "SIGTERM")
        #expect(holder.hostConfig?.sysctls?["net.ipv4.tcp_migrate_req"] == "1")
        for kind in [ProxyKind.haproxy, .nginx] {
            let generation = blueprint.generationConfig(
                for: web, kind: kind, replica: 1, holderID: "h0", socket: "/run/twip-proxy/g.sock", runtimePort: 9998,
                previous: "/run/twip-proxy/f.sock")
            #expect(generation.hostConfig?.networkMode == "container:h0")
            #expect(generation.labels?[TwipLabel.runtime] == "127.0.0.1:9998")
            let mounts = generation.hostConfig?.mounts ?? []
            #expect(mounts.contains { $0.target == "/run/twip-proxy" } == (kind == .haproxy))
            #expect((generation.env ?? []).contains("TWIP_PREVIOUS_SOCKET=/run/twip-proxy/f.sock") == (kind == .haproxy))
        }
    }

    @Test func aServiceNetworkModeJoinsTheFirstReplicaOfThatService() throws {
        let (blueprint, stack) = try Self.blueprint()
        let config = blueprint.containerConfig(for: try #require(stack.service(named: "db")), replica: 1)
        let web = EnvironmentNames(environment: "twiptest").container(service: "web", replica: 1)
        #expect(config.hostConfig?.networkMode == "container:\(web)")
        #expect(config.networkingConfig == nil)
    }

    @Test func anExternalSecretIsNamedAsUnavailable() throws {
        let (blueprint, stack) = try Self.blueprint()
        let missing = blueprint.unavailableFileObjects(for: try #require(stack.service(named: "db")))
        #expect(missing.map(\.name) == ["vault"])
        #expect(missing.first?.reason.contains("external") == true)
        #expect(blueprint.unavailableFileObjects(for: try #require(stack.service(named: "web"))).isEmpty)
    }
}
