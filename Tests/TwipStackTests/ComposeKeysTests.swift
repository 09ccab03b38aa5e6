import Testing
import TwipStack

/// The compose keys real projects use beyond the basics: each read into the model, and each refused with its
/// place when its value is wrong.
@Suite struct ComposeKeysTests {
    /// A service body (indented under `services.web`), and what it must decode to.
    struct Good: Sendable, CustomStringConvertible {
        var key: String
        var body: String
        var top: String = ""
        var check: @Sendable (Stack) -> Bool
        var description: String { key }
    }

    static let good: [Good] = [
        Good(key: "init", body: "init: true") { $0.services[0].options.initProcess == true },
        Good(key: "tty", body: "tty: true") { $0.services[0].options.tty == true },
        Good(key: "stdin_open", body: "stdin_open: true") { $0.services[0].options.stdinOpen == true },
        Good(key: "shm_size", body: "shm_size: 256m") { $0.services[0].options.shmSize == 256 * 1024 * 1024 },
        Good(key: "ulimits", body: "ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}") {
            $0.services[0].options.ulimits == [
                Ulimit(name: "nproc", soft: 65535, hard: 65535), Ulimit(name: "nofile", soft: 20000, hard: 40000),
            ]
        },
        Good(key: "cap_add", body: "cap_add: [NET_ADMIN]") { $0.services[0].options.capAdd == ["NET_ADMIN"] },
        Good(key: "cap_drop", body: "cap_drop: [ALL]") { $0.services[0].options.capDrop == ["ALL"] },
        Good(key: "security_opt", body: "security_opt: [\"label:disable\"]") {
            $0.services[0].options.securityOpt == ["label:disable"]
        },
        Good(key: "sysctls", body: "sysctls: [net.core.somaxconn=1024]") {
            $0.services[0].options.sysctls == ["net.core.somaxconn": "1024"]
        },
        Good(key: "pids_limit", body: "pids_limit: 100") { $0.services[0].options.pidsLimit == 100 },
        Good(key: "logging", body: "logging: {driver: json-file, options: {max-size: 10m}}") {
            $0.services[0].options.logging == LogSettings(driver: "json-file", options: ["max-size": "10m"])
        },
        Good(key: "dns", body: "dns: 1.1.1.1") { $0.services[0].options.dns == ["1.1.1.1"] },
        Good(key: "dns_search", body: "dns_search: [example.com]") {
            $0.services[0].options.dnsSearch == ["example.com"]
        },
        Good(key: "dns_opt", body: "dns_opt: [use-vc]") { $0.services[0].options.dnsOptions == ["use-vc"] },
        Good(key: "extra_hosts", body: "extra_hosts: [\"db:10.0.0.2\", \"gw=host-gateway\"]") {
            $0.services[0].options.extraHosts == ["db:10.0.0.2", "gw:host-gateway"]
        },
        Good(key: "extra_hosts mapping", body: "extra_hosts: {db: \"::1\"}") {
            $0.services[0].options.extraHosts == ["db:::1"]
        },
        Good(key: "group_add", body: "group_add: [audio]") { $0.services[0].options.groupAdd == ["audio"] },
        Good(key: "devices", body: "devices: [\"/dev/fuse:/dev/fuse:rwm\"]") {
            $0.services[0].options.devices == ["/dev/fuse:/dev/fuse:rwm"]
        },
        Good(key: "runtime", body: "runtime: runc") { $0.services[0].options.runtime == "runc" },
        Good(key: "platform", body: "platform: linux/amd64") { $0.services[0].options.platform == "linux/amd64" },
        Good(key: "network_mode host", body: "network_mode: host") { $0.services[0].options.networkMode == "host" },
        Good(key: "network_mode service", body: "network_mode: service:db") {
            $0.services[0].options.networkMode == "service:db"
        },
        Good(key: "volumes_from", body: "volumes_from: [\"db:ro\", \"container:data\"]") {
            $0.services[0].options.volumesFrom == ["db:ro", "container:data"]
        },
        Good(key: "pull_policy", body: "pull_policy: never") { $0.services[0].options.pullPolicy == "never" },
        Good(
            key: "secrets", body: "secrets: [pw, {source: pw, target: db, mode: 0440}]",
            top: "secrets:\n  pw:\n    file: ./pw.txt\n"
        ) {
            $0.services[0].options.secrets == [
                FileGrant(source: "pw"), FileGrant(source: "pw", target: "db", mode: 0o440),
            ]
                && $0.secrets == [FileObject(name: "pw", file: "/srv/twiptest-stack/stacks/pw.txt")]
        },
        Good(key: "external secret", body: "secrets: [pw]", top: "secrets:\n  pw:\n    external: true\n") {
            $0.secrets == [FileObject(name: "pw", external: true)]
        },
        Good(key: "configs", body: "configs: [conf]", top: "configs:\n  conf:\n    content: \"a=1\"\n") {
            $0.services[0].options.configs == [FileGrant(source: "conf")] && $0.configs[0].content == "a=1"
        },
        Good(key: "profiles", body: "profiles: [debug]") { $0.services[0].profiles == ["debug"] },
        Good(
            key: "ipv4_address", body: "networks: {front: {ipv4_address: 172.28.0.5}}",
            top: "networks:\n  front:\n    ipam:\n      config:\n        - subnet: 172.28.0.0/16\n"
        ) {
            $0.services[0].networks[0].ipv4Address == "172.28.0.5"
                && $0.networks[0].ipam?.config == [IPAM.Pool(subnet: "172.28.0.0/16")]
        },
        Good(
            key: "ipam aux_addresses, attachable, enable_ipv6", body: "networks: [front]",
            top:
                "networks:\n  front:\n    attachable: true\n    enable_ipv6: true\n    ipam:\n      config:\n        - {subnet: 10.9.0.0/24, ip_range: 10.9.0.0/25, gateway: 10.9.0.1, aux_addresses: {a: 10.9.0.5}}\n"
        ) {
            $0.networks[0].attachable && $0.networks[0].enableIPv6
                && $0.networks[0].ipam?.config
                    == [
                        IPAM.Pool(
                            subnet: "10.9.0.0/24", ipRange: "10.9.0.0/25", gateway: "10.9.0.1",
                            auxAddresses: ["a": "10.9.0.5"])
                    ]
        },
        Good(key: "bind propagation", body: "volumes: [\"/var/lib/docker:/host:ro,rslave\"]") {
            $0.services[0].volumes[0].propagation == "rslave" && $0.services[0].volumes[0].readOnly
        },
        Good(
            key: "long bind propagation",
            body: "volumes: [{type: bind, source: /a, target: /b, bind: {propagation: shared}}]"
        ) {
            $0.services[0].volumes[0].propagation == "shared"
        },
        Good(key: "depends_on required", body: "depends_on: {db: {condition: service_started, required: false}}") {
            $0.services[0].dependsOn[0].required == false
        },
        Good(key: "start_interval", body: "healthcheck: {test: [CMD, true], start_interval: 2s}") {
            $0.services[0].healthcheck?.startInterval == .seconds(2)
        },
        Good(key: "build cache_from", body: "build: {context: ., cache_from: [app:latest], network: host}") {
            $0.services[0].build?.cacheFrom == ["app:latest"] && $0.services[0].build?.network == "host"
        },
        Good(key: "port name", body: "ports: [{target: 80, name: web, app_protocol: http}]") {
            $0.services[0].portMappings[0].target == 80...80
        },
        Good(key: "attach", body: "attach: false") { $0.services.count == 2 },
    ]

    static func stack(body: String, top: String) -> String {
        "services:\n  web:\n    image: nginx\n    \(body)\n  db:\n    image: postgres\n\(top)"
    }

    @Test("each key is read into the model", arguments: good)
    func keysAreRead(_ item: Good) throws {
        let loaded = try loadText(Self.stack(body: item.body, top: item.top))
        #expect(item.check(loaded.stack))
        let again = try loadText(loaded.stack.normalizedYAML())
        #expect(again.stack.services == loaded.stack.services, "the normalized form loads back equal")
    }

    /// A wrong value and the `FILE:LINE:COL: path: message` it gives.
    struct Bad: Sendable, CustomStringConvertible {
        var body: String
        var top: String = ""
        var expected: String
        var description: String { body }
    }

    static let bad: [Bad] = [
        Bad(
            body: "init: maybe",
            expected: "stacks/test.yml:4:11: services.web.init: expected true or false, got \"maybe\""),
        Bad(body: "tty: 2", expected: "stacks/test.yml:4:10: services.web.tty: expected true or false, got \"2\""),
        Bad(
            body: "stdin_open: [x]",
            expected: "stacks/test.yml:4:17: services.web.stdin_open: expected true or false, got a list"),
        Bad(
            body: "shm_size: lots",
            expected:
                "stacks/test.yml:4:15: services.web.shm_size: invalid size \"lots\": expected bytes or a number with a unit such as 512m, 1g or 1024k"
        ),
        Bad(
            body: "ulimits: {nofile: {soft: 10, hard: 5}}",
            expected: "stacks/test.yml:4:23: services.web.ulimits.nofile: the soft limit 10 is above the hard limit 5"),
        Bad(
            body: "cap_add: NET_ADMIN",
            expected: "stacks/test.yml:4:14: services.web.cap_add: expected a list, got a string"),
        Bad(
            body: "cap_drop: {a: b}",
            expected: "stacks/test.yml:4:15: services.web.cap_drop: expected a list, got a mapping"),
        Bad(
            body: "security_opt: seccomp",
            expected: "stacks/test.yml:4:19: services.web.security_opt: expected a list, got a string"),
        Bad(
            body: "sysctls: [\"=1\"]",
            expected: "stacks/test.yml:4:15: services.web.sysctls[0]: invalid entry \"=1\": expected KEY=VALUE"),
        Bad(
            body: "pids_limit: -5",
            expected:
                "stacks/test.yml:4:17: services.web.pids_limit: invalid number \"-5\": expected a whole number of at least -1"
        ),
        Bad(
            body: "logging: {drivr: syslog}",
            expected:
                "stacks/test.yml:4:15: services.web.logging.drivr: unknown key \"drivr\"; did you mean \"driver\"?"),
        Bad(
            body: "dns: [dns.example]",
            expected:
                "stacks/test.yml:4:11: services.web.dns[0]: invalid DNS server \"dns.example\": expected an IPv4 or IPv6 address"
        ),
        Bad(
            body: "dns_search: {a: b}",
            expected: "stacks/test.yml:4:17: services.web.dns_search: expected a string or a list, got a mapping"),
        Bad(
            body: "dns_opt: ndots",
            expected: "stacks/test.yml:4:14: services.web.dns_opt: expected a list, got a string"),
        Bad(
            body: "extra_hosts: [\"db:nowhere\"]",
            expected:
                "stacks/test.yml:4:19: services.web.extra_hosts[0]: invalid extra host address \"nowhere\": expected an IP address or host-gateway"
        ),
        Bad(
            body: "group_add: audio",
            expected: "stacks/test.yml:4:16: services.web.group_add: expected a list, got a string"),
        Bad(
            body: "devices: [\"/dev/fuse:/dev/fuse:x\"]",
            expected:
                "stacks/test.yml:4:15: services.web.devices[0]: invalid device \"/dev/fuse:/dev/fuse:x\": expected /HOST/PATH[:/CONTAINER/PATH[:rwm]]"
        ),
        Bad(
            body: "runtime: [runc]",
            expected: "stacks/test.yml:4:14: services.web.runtime: expected a string, got a list"),
        Bad(
            body: "platform: amd64",
            expected:
                "stacks/test.yml:4:15: services.web.platform: invalid platform \"amd64\": expected OS/ARCH such as linux/amd64"
        ),
        Bad(
            body: "network_mode: service:nope",
            expected: "stacks/test.yml:4:19: services.web.network_mode: service \"nope\" is not declared in the stack"),
        Bad(
            body: "network_mode: bridged",
            expected:
                "stacks/test.yml:4:19: services.web.network_mode: invalid network_mode \"bridged\": expected host, none, bridge, service:NAME or container:NAME"
        ),
        Bad(
            body: "volumes_from: [\"db:rx\"]",
            expected:
                "stacks/test.yml:4:20: services.web.volumes_from[0]: invalid volumes_from \"db:rx\": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]"
        ),
        Bad(
            body: "pull_policy: sometimes",
            expected:
                "stacks/test.yml:4:18: services.web.pull_policy: invalid pull_policy \"sometimes\": expected always, never, missing, if_not_present or build"
        ),
        Bad(
            body: "secrets: [pw]",
            expected:
                "stacks/test.yml:4:15: services.web.secrets[0]: secret \"pw\" is not declared under the top-level \"secrets\""
        ),
        Bad(
            body: "secrets: [{source: pw, mode: 999}]", top: "secrets:\n  pw:\n    file: pw.txt\n",
            expected:
                "stacks/test.yml:4:34: services.web.secrets[0].mode: invalid mode \"999\": expected a file mode such as 0440"
        ),
        Bad(
            body: "configs: [c]", top: "configs:\n  c: {}\n",
            expected:
                "stacks/test.yml:8:6: configs.c: the config needs exactly one of \"file\", \"environment\", \"content\", or \"external\""
        ),
        Bad(
            body: "profiles: debug",
            expected: "stacks/test.yml:4:15: services.web.profiles: expected a list, got a string"),
        Bad(
            body: "networks: {default: {ipv4_address: 300.1.1.1}}",
            expected:
                "stacks/test.yml:4:40: services.web.networks.default.ipv4_address: invalid ipv4_address \"300.1.1.1\": expected an IPv4 address"
        ),
        Bad(
            body: "hostname: web", top: "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0}]}\n",
            expected:
                "stacks/test.yml:9:30: networks.n.ipam.config[0].subnet: invalid subnet \"10.0.0.0\": expected a CIDR such as 172.28.0.0/16"
        ),
        Bad(
            body: "hostname: web",
            top: "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/8, aux_addresses: {a: b}}]}\n",
            expected:
                "stacks/test.yml:9:57: networks.n.ipam.config[0].aux_addresses.a: invalid address \"b\" for a: expected an IP address"
        ),
        Bad(
            body: "volumes: [\"data:/data:rslave\"]",
            expected:
                "stacks/test.yml:4:15: services.web.volumes[0]: invalid volume \"data:/data:rslave\": a propagation mode applies only to a bind mount"
        ),
        Bad(
            body: "volumes: [{type: bind, source: /a, target: /b, bind: {propagation: sideways}}]",
            expected:
                "stacks/test.yml:4:72: services.web.volumes[0].bind.propagation: invalid propagation \"sideways\": expected private, rprivate, shared, rshared, slave, rslave"
        ),
        Bad(
            body: "depends_on: {db: {required: perhaps}}",
            expected:
                "stacks/test.yml:4:33: services.web.depends_on.db.required: expected true or false, got \"perhaps\""),
        Bad(
            body: "healthcheck: {start_interval: soon}",
            expected:
                "stacks/test.yml:4:35: services.web.healthcheck.start_interval: invalid duration \"soon\": expected a number with a unit such as 30s, 1m30s or 500ms"
        ),
        Bad(
            body: "build: {context: ., cache_from: app}",
            expected: "stacks/test.yml:4:37: services.web.build.cache_from: expected a list, got a string"),
        Bad(
            body: "attach: sometimes",
            expected: "stacks/test.yml:4:13: services.web.attach: expected true or false, got \"sometimes\""),
        Bad(
            body: "network_mode: host\n    networks: [default]",
            expected:
                "stacks/test.yml:5:15: services.web.networks: \"networks\" cannot be combined with \"network_mode\": the container uses another's network stack"
        ),
        Bad(
            body: "extends: {service: web}",
            expected: "stacks/test.yml:4:14: services.web.extends: extends cycle: web -> web"
        ),
    ]

    @Test("a wrong value is refused at its place", arguments: bad)
    func wrongValuesAreRefused(_ item: Bad) {
        let found = problems(Self.stack(body: item.body, top: item.top))
        #expect(found.contains(item.expected), "\(found)")
    }

    @Test func keysTwipCannotHonourAreWarningsNamingThem() throws {
        let loaded = try loadText(
            Self.stack(
                body:
                    "privileged: true\n    platform: linux/arm64\n    depends_on: {db: {restart: true}}\n    volumes: [{type: volume, target: /d, volume: {nocopy: true}}]",
                top: ""))
        let messages = loaded.warnings.map(\.description)
        #expect(
            messages.contains(
                "stacks/test.yml:4:17: services.web.privileged: privileged is not honoured: twip never runs privileged containers"
            ))
        #expect(
            messages.contains {
                $0.hasPrefix("stacks/test.yml:6:32: services.web.depends_on.db.restart: restart is not honoured")
            })
        #expect(messages.contains { $0.contains("services.web.volumes[0].volume.nocopy: nocopy is not honoured") })
        // The engine is given the platform (`?platform=` on create): no warning.
        #expect(!messages.contains { $0.contains("services.web.platform") })
    }

    @Test func aFileWithoutServicesLoads() throws {
        let loaded = try loadText("volumes:\n  data: {}\n")
        #expect(loaded.stack.services.isEmpty)
        #expect(loaded.stack.volumes.map(\.name) == ["data"])
    }

    @Test func profilesEnableOnlyTheirServices() throws {
        let yaml = """
            services:
              web: {image: nginx, depends_on: [db]}
              db: {image: postgres}
              debug: {image: busybox, profiles: [debug]}
              tools: {image: busybox, profiles: [tools], depends_on: [debug]}
            """
        let stack = try loadText(yaml).stack
        #expect(try stack.enabling(profiles: []).services.map(\.name) == ["web", "db"])
        #expect(try stack.enabling(profiles: ["debug"]).services.map(\.name) == ["web", "db", "debug"])
        #expect(try stack.enabling(profiles: ["*"]).services.count == 4)
        #expect(throws: ProfileError(service: "tools", dependency: "debug")) {
            try stack.enabling(profiles: ["tools"])
        }
    }

    @Test func aDefaultStackNameIsMadeValidFromTheFileName() throws {
        let loaded = try StackLoader(environment: [:]).load(yaml: "services: {}", path: "/srv/x/My-App.V2.yml")
        #expect(loaded.stack.name == "my-appv2")
    }
}
