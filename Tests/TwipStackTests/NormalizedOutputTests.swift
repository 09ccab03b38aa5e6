import Foundation
import Testing
import TwipStack

@Suite struct NormalizedOutputTests {
    static let fullStack = """
        name: shop
        x-common:
          answer: 42
          quoted: "42"
          list: [a, null]
        services:
          web:
            image: "jetty:${JETTY:-12}"
            build:
              context: ../web
              dockerfile: Dockerfile-web
              args: {WAR: app.war}
              target: runtime
            command: sh -c 'echo $$HOME && echo "null"'
            environment:
              - A=1
              - EMPTY=
              - UNSET_HERE
              - NULLISH=null
              - TRUTHY=true
            ports:
              - "127.0.0.1:8000-8001:80-81/udp"
              - target: 8443
                published: 443
                mode: host
            expose: ["9000"]
            volumes:
              - ../data:/data:ro
              - cache:/cache
              - /anon
            networks:
              front:
                aliases: [app]
              default:
            depends_on: [db]
            healthcheck:
              test: curl -f http://localhost:8080/health || exit 1
              interval: 1m30s
              timeout: 1.5s
              retries: 3
              start_period: 250ms
            restart: on-failure:3
            deploy:
              resources:
                limits: {cpus: 0.5, memory: 512m}
                reservations: {memory: 1024k}
              update_config: {parallelism: 1, delay: 10s, order: start-first, failure_action: pause}
            labels: {io.example.tier: web, "io.example.empty": ""}
            hostname: web
            container_name: shop-web
            links: ["db:database", cache]
            working_dir: /app
            user: "1000"
            mem_limit: 1g
            cpus: 2
            stop_grace_period: 1h
            stop_signal: SIGTERM
            read_only: false
            tmpfs: [/tmp, /run]
            x-owner: {team: web}
          db:
            image: postgres
            deploy: {replicas: 0}
            healthcheck: {test: [CMD, pg_isready], disable: true}
          cache:
            image: redis
            depends_on:
              db: {condition: service_completed_successfully}
        networks:
          front:
            driver: bridge
            labels: [a=b]
          back:
            external: true
            name: shared-back
        volumes:
          cache:
            driver_opts: {type: tmpfs}
          data:
        """

    @Test func normalizedOutputLoadsBackIntoAnEqualStack() throws {
        let directory = "/tmp/twiptest-stack-roundtrip/stacks"
        try writeFile(directory + "/full.yml", Self.fullStack)
        let loader = StackLoader(environment: ["HOME": "/home/op"])
        let original = try loader.load(path: directory + "/full.yml").stack
        let yaml = original.normalizedYAML()
        try writeFile(directory + "/normalized.yml", yaml)
        var reloaded = try loader.load(path: directory + "/normalized.yml").stack
        reloaded.filePath = original.filePath
        #expect(reloaded == original, "\(yaml)")
        #expect(original.service(named: "web")?.command == ["sh", "-c", "echo $HOME && echo \"null\""])
    }

    @Test func normalizedOutputUsesLongSyntaxAndAbsolutePaths() throws {
        let yaml = try StackLoader(environment: [:]).load(path: fixturesDirectory + "/prod/docker-compose.yml").stack
            .normalizedYAML()
        #expect(
            yaml.contains("context: \(fixturesDirectory)/prod")
                || yaml.contains("context: \"\(fixturesDirectory)/prod\""))
        #expect(yaml.contains("target: 1936"))
        #expect(yaml.contains("published: 1936"))
        #expect(yaml.contains("type: bind") || yaml.contains("type: \"bind\""))
        #expect(yaml.contains("\(fixturesDirectory)/data"))
        #expect(yaml.contains("VIRTUAL_HOST_WEIGHT:"))
        #expect(!yaml.contains("../data"))
        #expect(!yaml.contains("version"))
    }

    @Test func durationsAreWrittenComposeStyle() throws {
        let yaml = try loadText(
            """
            services:
              s:
                image: x
                stop_grace_period: 90s
                healthcheck: {interval: 1.5s, timeout: 500ms, start_period: 3600}
            """
        ).stack.normalizedYAML()
        // The emitter may quote scalars that start with a digit; either way the text is compose's.
        for line in ["stop_grace_period: 1m30s", "interval: 1.5s", "timeout: 500ms", "start_period: 1h"] {
            let parts = line.split(separator: " ")
            #expect(yaml.contains(line) || yaml.contains("\(parts[0]) \"\(parts[1])\""), "\(yaml)")
        }
    }
}

@Suite struct ConfigHashTests {
    func service(_ body: String) throws -> Service {
        let yaml = "services:\n  web:\n" + body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return try #require(try loadText(yaml).stack.services.first)
    }

    @Test func hashIsStableAndIgnoresReplicasAndEnvironmentOrder() throws {
        let a = try service("image: nginx\nenvironment: [A=1, B=2]\ndeploy: {replicas: 1}")
        let b = try service("image: nginx\nenvironment: {B: 2, A: 1}\ndeploy: {replicas: 5}")
        #expect(a.configHash == b.configHash)
        #expect(a.configHash.count == 16)
        #expect(a.configHash == (try service("image: nginx\nenvironment: [A=1, B=2]")).configHash)
    }

    @Test(arguments: [
        "image: nginx:2\nenvironment: [A=1, B=2]",
        "image: nginx\nenvironment: [A=1, B=3]",
        "image: nginx\nenvironment: [A=1, B=2]\nports: [\"80\"]",
        "image: nginx\nenvironment: [A=1, B=2]\nvolumes: [\"/x:/y\"]",
        "image: nginx\nenvironment: [A=1, B=2]\ncommand: run",
        "image: nginx\nenvironment: [A=1, B=2]\nlabels: [a=b]",
        "image: nginx\nenvironment: [A=1, B=2]\nmem_limit: 1g",
        "image: nginx\nenvironment: [A=1, B=2]\nhealthcheck: {test: exit 0}",
    ])
    func hashChangesWithContainerSettings(body: String) throws {
        let base = try service("image: nginx\nenvironment: [A=1, B=2]")
        #expect(try service(body).configHash != base.configHash)
    }
}
