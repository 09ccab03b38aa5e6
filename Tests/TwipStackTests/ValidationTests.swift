import Testing
import TwipStack

@Suite struct ValidationTests {
    /// A malformed stack, the exact `FILE:LINE:COL: path:` prefix of one of its problems, and a key part of the message.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        var prefix: String
        var message: String
        var environment: [String: String] = [:]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown key with suggestion",
            yaml: """
                services:
                  web:
                    image: nginx
                    restrat: always
                """,
            prefix: "stacks/test.yml:4:5: services.web.restrat: ",
            message: "unknown key \"restrat\"; did you mean \"restart\"?"),
        Case(
            name: "misspelled image",
            yaml: """
                services:
                  web:
                    imgae: nginx
                """,
            prefix: "stacks/test.yml:3:5: services.web.imgae: ", message: "did you mean \"image\"?"),
        Case(
            name: "wrong type",
            yaml: """
                services:
                  web:
                    image: nginx
                    ports:
                      http: 80
                """,
            prefix: "stacks/test.yml:5:7: services.web.ports: ", message: "expected a list, got a mapping"),
        Case(
            name: "bad port",
            yaml: """
                services:
                  web:
                    image: nginx
                    ports:
                      - "80:abc"
                """,
            prefix: "stacks/test.yml:5:9: services.web.ports[0]: ",
            message: "invalid port \"80:abc\": container port must be a number"),
        Case(
            name: "port out of range",
            yaml: """
                services:
                  web:
                    image: nginx
                    ports: ["70000:80"]
                """,
            prefix: "stacks/test.yml:4:13: services.web.ports[0]: ", message: "host port must be a number"),
        Case(
            name: "bad duration",
            yaml: """
                services:
                  web:
                    image: nginx
                    healthcheck:
                      test: curl -f http://localhost/
                      interval: 10x
                """,
            prefix: "stacks/test.yml:6:17: services.web.healthcheck.interval: ", message: "invalid duration \"10x\""),
        Case(
            name: "bad size",
            yaml: """
                services:
                  web:
                    image: nginx
                    mem_limit: 12q
                """,
            prefix: "stacks/test.yml:4:16: services.web.mem_limit: ", message: "invalid size \"12q\""),
        Case(
            name: "bad cpus",
            yaml: """
                services:
                  web:
                    image: nginx
                    deploy:
                      resources:
                        limits:
                          cpus: "-1"
                """,
            prefix: "stacks/test.yml:7:17: services.web.deploy.resources.limits.cpus: ", message: "invalid cpus \"-1\""),
        Case(
            name: "bad restart",
            yaml: """
                services:
                  web:
                    image: nginx
                    restart: sometimes
                """,
            prefix: "stacks/test.yml:4:14: services.web.restart: ", message: "invalid restart policy \"sometimes\""),
        Case(
            name: "undefined depends_on",
            yaml: """
                services:
                  web:
                    image: nginx
                    depends_on:
                      - db
                """,
            prefix: "stacks/test.yml:5:9: services.web.depends_on[0]: ",
            message: "depends_on refers to undefined service \"db\""),
        Case(
            name: "undefined link",
            yaml: """
                services:
                  web:
                    image: nginx
                    links: ["statik:assets"]
                  static:
                    image: nginx
                """,
            prefix: "stacks/test.yml:4:13: services.web.links[0]: ", message: "did you mean \"static\"?"),
        Case(
            name: "dependency cycle",
            yaml: """
                services:
                  web:
                    image: nginx
                    depends_on: [static]
                  static:
                    image: nginx
                    depends_on:
                      web:
                        condition: service_healthy
                """,
            prefix: "stacks/test.yml:4:18: services.web.depends_on[0]: ",
            message: "dependency cycle: web -> static -> web"),
        Case(
            name: "undeclared network",
            yaml: """
                services:
                  web:
                    image: nginx
                    networks: [default, front]
                """,
            prefix: "stacks/test.yml:4:25: services.web.networks[1]: ",
            message: "network \"front\" is not declared under the top-level \"networks\""),
        Case(
            name: "undeclared named volume",
            yaml: """
                services:
                  web:
                    image: nginx
                    volumes: ["data:/data"]
                """,
            prefix: "stacks/test.yml:4:15: services.web.volumes[0]: ", message: "volume \"data\" is not declared"),
        Case(
            name: "bad service name",
            yaml: """
                services:
                  -web:
                    image: nginx
                """,
            prefix: "stacks/test.yml:2:3: services.-web: ", message: "invalid service name \"-web\""),
        Case(
            name: "missing image and build",
            yaml: """
                services:
                  web:
                    hostname: web
                """,
            prefix: "stacks/test.yml:3:5: services.web: ", message: "has neither \"image\" nor \"build\""),
        Case(
            name: "container_name with two replicas",
            yaml: """
                services:
                  web:
                    image: nginx
                    container_name: web
                    deploy:
                      replicas: 2
                """,
            prefix: "stacks/test.yml:4:21: services.web.container_name: ",
            message: "container_name \"web\" cannot be used with 2 replicas"),
        Case(
            name: "fixed host port with two replicas",
            yaml: """
                services:
                  web:
                    image: nginx
                    ports:
                      - 80:80
                    deploy:
                      replicas: 2
                """,
            prefix: "stacks/test.yml:5:9: services.web.ports[0]: ", message: "publish it through the proxy instead"),
        Case(
            name: "required variable unset",
            yaml: """
                services:
                  web:
                    image: ${X:?must be set}
                """,
            prefix: "stacks/test.yml:3:12: services.web.image: ",
            message: "required variable \"X\" is missing a value: must be set"),
        Case(
            name: "malformed interpolation",
            yaml: """
                services:
                  web:
                    image: "nginx:${"
                """,
            prefix: "stacks/test.yml:3:12: services.web.image: ", message: "invalid interpolation in \"nginx:${\""),
        Case(
            name: "bad depends_on condition",
            yaml: """
                services:
                  web:
                    image: nginx
                    depends_on:
                      db: {condition: service_ready}
                  db:
                    image: postgres
                """,
            prefix: "stacks/test.yml:5:23: services.web.depends_on.db.condition: ",
            message: "invalid condition \"service_ready\""),
        Case(
            name: "yaml syntax error",
            yaml: """
                services:
                  web: [unclosed
                """,
            prefix: "stacks/test.yml:3:1: ", message: "did not find expected"),
        Case(
            name: "services not a mapping",
            yaml: """
                services: [web]
                """,
            prefix: "stacks/test.yml:1:11: services: ", message: "expected a mapping, got a list"),
    ]

    @Test(arguments: cases)
    func malformedStacksReportWhereAndWhat(_ testCase: Case) {
        let found = problems(testCase.yaml, environment: testCase.environment)
        #expect(
            found.contains { $0.hasPrefix(testCase.prefix) && $0.contains(testCase.message) },
            "\(found)")
    }

    @Test func everyProblemOfAFileIsReportedInFileOrder() {
        let found = problems(
            """
            version: '2'
            services:
              web:
                imgae: nginx
                ports: ["80:abc"]
                restart: sometimes
                mem_limit: lots
                depends_on: [db]
              static:
                image: ${X:?must be set}
            """)
        #expect(found.count == 7, "\(found)")
        let lines = found.compactMap { Int($0.split(separator: ":")[1]) }
        #expect(lines == lines.sorted())
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:4:5: services.web.imgae: unknown key") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:4:5: services.web: service \"web\" has neither") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:5:13: services.web.ports[0]: invalid port") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:6:14: services.web.restart: invalid restart") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:7:16: services.web.mem_limit: invalid size") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:8:18: services.web.depends_on[0]: depends_on refers") })
        #expect(found.contains { $0.hasPrefix("stacks/test.yml:10:12: services.static.image: required variable") })
    }

    @Test func unsetVariableIsAWarningNotAnError() throws {
        let loaded = try loadText(
            """
            services:
              web:
                image: "nginx${TAG}"
            """)
        #expect(loaded.stack.services[0].image == "nginx")
        #expect(
            loaded.warnings.map(\.description) == [
                "stacks/test.yml:3:12: services.web.image: variable \"TAG\" is not set; substituting an empty string"
            ])
    }

    @Test func missingFileIsOneProblem() {
        do {
            _ = try StackLoader(environment: [:]).load(
                path: "/nonexistent/twiptest-stack/prod.yml", displayPath: "stacks/prod.yml")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.problems.map(\.description) == [
                    "stacks/prod.yml: cannot read stack file: No such file or directory"
                ])
        }
    }

    @Test func dockerCloudFileIsRejectedWithUnknownKeys() {
        do {
            _ = try StackLoader(environment: [:]).load(
                path: fixturesDirectory + "/docker-cloud.yml", displayPath: "docker-cloud.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.contains { $0.message.contains("unknown key") })
        }
    }
}

@Suite struct ParserErrorTests {
    @Test func yamlErrorsKeepTheParsersPlaceAndMessage() {
        let found = problems("services:\n  web:\n    image: a\n    image: b\n")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("stacks/test.yml:4:5: ") == true, "\(found)")
        #expect(found.first?.contains("image") == true, "\(found)")
    }

    @Test func emptyFileIsAProblem() {
        #expect(problems("") == ["stacks/test.yml:1:1: the stack file is empty"])
        #expect(problems("# only a comment\n") == ["stacks/test.yml:1:1: the stack file is empty"])
    }
}
