import Foundation
import Testing
import TwipStack

@Suite struct DecodingTests {
    @Test func productionComposeFileOfTheOldToolLoads() throws {
        let loaded = try StackLoader(environment: [:]).load(
            path: fixturesDirectory + "/prod/docker-compose.yml", displayPath: "prod/docker-compose.yml")
        let stack = loaded.stack
        #expect(loaded.warnings.isEmpty)
        #expect(stack.name == "docker-compose")
        #expect(stack.services.map(\.name) == ["static", "web", "proxy"])
        let staticService = try #require(stack.service(named: "static"))
        #expect(staticService.build == Build(context: fixturesDirectory + "/prod", dockerfile: "Dockerfile-static"))
        #expect(
            staticService.environment.first
                == EnvironmentVariable(name: "VIRTUAL_HOST", value: "*/styles/*.*,*/images/*.*"))
        #expect(staticService.ports == [Port(target: 80)])
        let web = try #require(stack.service(named: "web"))
        #expect(
            web.volumes == [
                Mount(type: .bind, source: fixturesDirectory + "/data", target: "/Users/dcameron/persistence")
            ])
        let proxy = try #require(stack.service(named: "proxy"))
        #expect(proxy.containerName == "proxy")
        #expect(proxy.links == [Link(service: "static"), Link(service: "web")])
        #expect(proxy.ports == [Port(target: 80, published: 80), Port(target: 1936, published: 1936)])
        #expect(proxy.volumes == [Mount(type: .bind, source: "/var/run/docker.sock", target: "/var/run/docker.sock")])
        #expect(proxy.replicas == 1)
    }

    @Test func trainingComposeFileOfTheOldToolLoads() throws {
        let loaded = try StackLoader(environment: [:]).load(path: fixturesDirectory + "/train/docker-compose.yml")
        let stack = loaded.stack
        #expect(stack.services.map(\.name) == ["web1", "web2", "static"])
        #expect(stack.service(named: "static")?.build?.context == fixturesDirectory + "/train/static")
        #expect(stack.service(named: "web1")?.image == "train_web")
    }

    @Test func fullServiceDecodesEveryField() throws {
        let loaded = try loadText(
            """
            version: "3.8"
            name: shop
            x-common: &common
              restart: unless-stopped
            services:
              web:
                <<: *common
                image: "jetty:${JETTY:-12}"
                build:
                  context: ../web
                  dockerfile: Dockerfile-web
                  args: [WAR=app.war]
                  target: runtime
                command: java -jar "/opt/app server.jar" --port=8080
                entrypoint: ["/bin/sh", "-c"]
                environment:
                  A: 1
                  B:
                  HOME_COPY:
                ports:
                  - "127.0.0.1:8000-8001:80-81/udp"
                  - target: 8443
                    published: 443
                    host_ip: 127.0.0.1
                    mode: host
                expose: ["9000-9001", "53/udp"]
                volumes:
                  - ~/cache:/cache:ro
                  - data:/data
                  - /scratch
                  - type: tmpfs
                    target: /run
                networks:
                  front:
                    aliases: [app]
                depends_on:
                  db:
                    condition: service_healthy
                healthcheck:
                  test: curl -f http://localhost:8080/health
                  interval: 1m30s
                  timeout: 500ms
                  retries: 3
                  start_period: 1h
                deploy:
                  replicas: 1
                  resources:
                    limits: {cpus: "0.5", memory: 512m}
                  update_config:
                    parallelism: 1
                    delay: 10s
                    order: start-first
                    failure_action: rollback
                labels: ["io.example.tier=web"]
                hostname: web
                links: ["db:database"]
                working_dir: /app
                user: "1000:1000"
                mem_limit: 1g
                cpus: 1.5
                stop_grace_period: 20s
                stop_signal: SIGTERM
                read_only: true
                tmpfs: /tmp
                x-owner: team-web
              db:
                image: postgres
                restart: on-failure:5
            networks:
              front:
                driver: bridge
            volumes:
              data:
            """, environment: ["HOME": "/home/op", "HOME_COPY": "yes"])
        let stack = loaded.stack
        #expect(stack.name == "shop")
        #expect(stack.extensions.map(\.key) == ["x-common"])
        let web = try #require(stack.service(named: "web"))
        #expect(web.image == "jetty:12")
        #expect(web.restart == .unlessStopped)
        #expect(
            web.build
                == Build(
                    context: "/srv/twiptest-stack/web", dockerfile: "Dockerfile-web", args: ["WAR": "app.war"],
                    target: "runtime"))
        #expect(web.command == ["java", "-jar", "/opt/app server.jar", "--port=8080"])
        #expect(web.entrypoint == ["/bin/sh", "-c"])
        #expect(
            web.environment == [
                EnvironmentVariable(name: "A", value: "1"), EnvironmentVariable(name: "B", value: nil),
                EnvironmentVariable(name: "HOME_COPY", value: "yes"),
            ])
        #expect(
            web.ports == [
                Port(target: 80, published: 8000, hostIP: "127.0.0.1", protocol: "udp"),
                Port(target: 81, published: 8001, hostIP: "127.0.0.1", protocol: "udp"),
                Port(target: 8443, published: 443, hostIP: "127.0.0.1", protocol: "tcp", mode: "host"),
            ])
        #expect(web.expose == ["9000", "9001", "53/udp"])
        #expect(
            web.volumes == [
                Mount(type: .bind, source: "/home/op/cache", target: "/cache", readOnly: true),
                Mount(type: .volume, source: "data", target: "/data"),
                Mount(type: .volume, source: nil, target: "/scratch"),
                Mount(type: .tmpfs, source: nil, target: "/run"),
            ])
        #expect(web.networks == [ServiceNetwork(name: "front", aliases: ["app"])])
        #expect(web.dependsOn == [Dependency(service: "db", condition: .serviceHealthy)])
        #expect(
            web.healthcheck
                == Healthcheck(
                    test: ["CMD-SHELL", "curl -f http://localhost:8080/health"], interval: .seconds(90),
                    timeout: .milliseconds(500), retries: 3, startPeriod: .seconds(3600)))
        #expect(web.replicas == 1)
        #expect(web.deploy.limits == Resources(cpus: 0.5, memory: 512 * 1024 * 1024))
        #expect(
            web.deploy.updateConfig
                == UpdateConfig(parallelism: 1, delay: .seconds(10), order: .startFirst, failureAction: .rollback))
        #expect(web.labels == ["io.example.tier": "web"])
        #expect(web.links == [Link(service: "db", alias: "database")])
        #expect(web.workingDir == "/app")
        #expect(web.user == "1000:1000")
        #expect(web.memLimit == 1 << 30)
        #expect(web.cpus == 1.5)
        #expect(web.stopGracePeriod == .seconds(20))
        #expect(web.stopSignal == "SIGTERM")
        #expect(web.readOnly == true)
        #expect(web.tmpfs == ["/tmp"])
        #expect(web.extensions == [Extension(key: "x-owner", value: .plain("team-web"))])
        #expect(stack.service(named: "db")?.restart == .onFailure(maxRetries: 5))
        #expect(stack.networks == [Network(name: "front", driver: "bridge")])
        #expect(stack.volumes == [Volume(name: "data")])
    }

    @Test func replicasComeFromDeployOrScaleAndDefaultToOne() throws {
        let stack = try loadText(
            """
            services:
              a: {image: x, deploy: {replicas: 3}, ports: ["8080"]}
              b: {image: x, scale: 2}
              c: {image: x}
            """
        ).stack
        #expect(stack.services.map(\.replicas) == [3, 2, 1])
    }

    @Test func processEnvironmentWinsOverDotEnvAndEnvFilesMerge() throws {
        let directory = "/tmp/twiptest-stack-dotenv"
        try writeFile(directory + "/.env", "TAG=from-dotenv\nPORT=8080\n# comment\nexport QUOTED=\"a b\"\n")
        try writeFile(directory + "/web.env", "FROM_FILE=1\nOVERRIDDEN=file\n")
        try writeFile(
            directory + "/stack.yml",
            """
            services:
              web:
                image: "web:${TAG}"
                ports: ["${PORT}:80"]
                env_file: web.env
                environment:
                  OVERRIDDEN: explicit
                  Q: $QUOTED
            """)
        let loaded = try StackLoader(environment: ["TAG": "from-process"]).load(path: directory + "/stack.yml")
        let web = try #require(loaded.stack.services.first)
        #expect(web.image == "web:from-process")
        #expect(web.ports == [Port(target: 80, published: 8080)])
        #expect(web.envFile == [directory + "/web.env"])
        #expect(
            web.environment == [
                EnvironmentVariable(name: "FROM_FILE", value: "1"),
                EnvironmentVariable(name: "OVERRIDDEN", value: "explicit"),
                EnvironmentVariable(name: "Q", value: "a b"),
            ])
        #expect(loaded.stack.name == "stack")
    }

    @Test func missingEnvFileIsAProblemAtItsEntry() {
        #expect(
            problems(
                """
                services:
                  web:
                    image: nginx
                    env_file: [missing.env]
                """) == [
                    "stacks/test.yml:4:16: services.web.env_file[0]: cannot read env file /srv/twiptest-stack/stacks/missing.env: No such file or directory"
                ])
    }
}

/// Writes `text` to `path`, creating the directory.
func writeFile(_ path: String, _ text: String) throws {
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite struct StartOrderTests {
    @Test func dependenciesStartFirstAndFileOrderIsKeptOtherwise() throws {
        let stack = try loadText(
            """
            services:
              proxy: {image: haproxy, links: [static, web]}
              static: {image: nginx, depends_on: [web]}
              web: {image: jetty, depends_on: {db: {condition: service_healthy}}}
              db: {image: postgres}
              extra: {image: busybox}
            """
        ).stack
        #expect(stack.startWaves() == [["db", "extra"], ["web"], ["static"], ["proxy"]])
        #expect(stack.startWaves(of: ["proxy", "static"]) == [["static"], ["proxy"]])
    }

    @Test func servicesStartAfterTheirDependencies() {
        let waves = Stack.waves([
            (name: "proxy", dependsOn: ["static", "web"]), (name: "static", dependsOn: []),
            (name: "web", dependsOn: []),
        ])
        #expect(waves == [["static", "web"], ["proxy"]])
    }

    @Test func dependenciesOutsideTheSelectionAreIgnored() {
        #expect(Stack.waves([(name: "proxy", dependsOn: ["web"])]) == [["proxy"]])
    }

    @Test func aCycleEndsUpInOneLastWaveInsteadOfBeingDropped() {
        let waves = Stack.waves([(name: "a", dependsOn: ["b"]), (name: "b", dependsOn: ["a"])])
        #expect(waves == [["a", "b"]])
    }

    @Test func aLongDependencyChainDoesNotRecurse() {
        let chain = (0..<50_000).map { (name: "s\($0)", dependsOn: $0 == 0 ? [] : ["s\($0 - 1)"]) }
        #expect(Stack.waves(chain).count == 50_000)
    }
}
