import Foundation
import Testing
import TwipYAML

@testable import TwipStack

/// `extends`: a service built on another, from the same file or another, merged as compose merges them.
@Suite struct ExtendsTests {
    /// Writes `files` (relative path -> text) under a fresh folder and loads `main` from it.
    static func load(_ files: [String: String], main: String = "app.yml") throws -> (LoadedStack, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-extends-\(UUID())").path
        for (path, text) in files {
            let full = folder + "/" + path
            try FileManager.default.createDirectory(
                atPath: String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)]), withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return (try StackLoader(environment: [:]).load(path: folder + "/" + main, displayPath: main), folder)
    }

    static func problems(_ files: [String: String]) -> [String] {
        do {
            _ = try load(files)
            return []
        } catch let error as StackErrors {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static let sameFile = """
        services:
          base:
            image: busybox
            command: ["sleep", "1"]
            environment: {A: "1", B: "2"}
            labels: ["tier=back"]
            ports: ["80"]
            expose: ["80"]
            volumes: ["data:/data", "cache:/cache"]
            depends_on: [db]
            links: [db]
            healthcheck: {test: ["CMD", "true"], interval: 5s}
          web:
            extends: {service: base}
            command: ["httpd", "-f"]
            environment: ["B=3", "C=4"]
            labels: {role: web}
            ports: ["9090:90"]
            expose: ["80", "81"]
            volumes: ["other:/cache"]
            healthcheck: {interval: 2s}
          db:
            image: busybox
        volumes: {data: {}, cache: {}, other: {}}

        """

    @Test func mappingsMergeListsAppendScalarsAreReplacedAndDependenciesAreNotInherited() throws {
        let (loaded, _) = try Self.load(["app.yml": Self.sameFile])
        let web = try #require(loaded.stack.service(named: "web"))
        #expect(web.image == "busybox")
        #expect(web.command == ["httpd", "-f"])
        #expect(RealWorldCorpusTests.environment(web) == ["A": "1", "B": "3", "C": "4"])
        #expect(web.labels == ["tier": "back", "role": "web"])
        #expect(RealWorldCorpusTests.ports(web) == [":80/tcp", "9090:90/tcp"])
        #expect(web.expose == ["80", "81"])
        #expect(web.volumes.map(\.target).sorted() == ["/cache", "/data"])
        #expect(web.volumes.first { $0.target == "/cache" }?.source == "other")
        #expect(web.healthcheck?.test == ["CMD", "true"])
        #expect(web.healthcheck?.interval == .seconds(2))
        #expect(web.dependsOn.isEmpty, "depends_on is never inherited")
        #expect(web.links.isEmpty, "links are never inherited")
        // The base keeps its own.
        #expect(loaded.stack.service(named: "base")?.dependsOn.map(\.service) == ["db"])
        // The normalized stack has no extends left and loads back equal.
        let yaml = loaded.stack.normalizedYAML()
        #expect(!yaml.contains("extends"))
        #expect(try loadText(yaml).stack.services == loaded.stack.services)
    }

    @Test func theFixtureChainsExtendsThroughTwoLevels() throws {
        let loaded = try StackLoader(environment: [:]).load(path: fixturesDirectory + "/extends.yml")
        let worker = try #require(loaded.stack.service(named: "worker"))
        #expect(worker.image == "busybox")
        #expect(worker.command == ["run-jobs"])
        #expect(RealWorldCorpusTests.environment(worker) == ["MODE": "prod", "PORT": "8080"])
        #expect(worker.volumes.first { $0.target == "/cache" }?.source == "fresh")
        #expect(worker.healthcheck?.test == ["CMD", "true"] && worker.healthcheck?.interval == .seconds(30))
        #expect(worker.dependsOn.map(\.service) == ["db"], "its own depends_on, not inherited ones")
        #expect(try #require(loaded.stack.service(named: "web")).dependsOn.isEmpty)
        #expect(worker.profiles == ["templates"], "profiles are inherited like any other key")
    }

    @Test func aServiceOfAnotherFileKeepsItsPathsRelativeToThatFile() throws {
        let (loaded, folder) = try Self.load([
            "app.yml": """
            services:
              web:
                extends:
                  file: common/services.yml
                  service: webapp
                environment: {MODE: prod}
              worker:
                extends: {file: common/services.yml, service: job}

            """,
            "common/services.yml": """
            services:
              webapp:
                build: ./web
                env_file: web.env
                volumes: ["./static:/srv/static:ro"]
                environment: {MODE: dev, PORT: "8080"}
              job:
                extends: webapp
                command: ["run-job"]

            """,
            "common/web.env": "FROM_FILE=1\n",
        ])
        let web = try #require(loaded.stack.service(named: "web"))
        #expect(web.build?.context == folder + "/common/web")
        #expect(web.volumes.first?.source == folder + "/common/static")
        #expect(RealWorldCorpusTests.environment(web)["MODE"] == "prod")
        #expect(RealWorldCorpusTests.environment(web)["PORT"] == "8080")
        #expect(RealWorldCorpusTests.environment(web)["FROM_FILE"] == "1")
        let worker = try #require(loaded.stack.service(named: "worker"))
        #expect(worker.command == ["run-job"])
        #expect(worker.build?.context == folder + "/common/web")
    }

    @Test(arguments: [
        (
            "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: {service: a}\n",
            "app.yml:4:14: services.a.extends: extends cycle: a -> b -> a"
        ),
        (
            "services:\n  a:\n    extends: {service: a}\n    image: x\n",
            "app.yml:3:14: services.a.extends: extends cycle: a -> a"
        ),
        (
            "services:\n  a:\n    image: x\n    extends: {service: nope}\n",
            "app.yml:4:24: services.a.extends.service: no service \"nope\" in app.yml to extend"
        ),
        (
            "services:\n  a:\n    image: x\n    extends: {service: b, flie: c.yml}\n  b: {image: y}\n",
            "app.yml:4:27: services.a.extends.flie: unknown key \"flie\"; extends takes service and file"
        ),
        (
            "services:\n  a:\n    image: x\n    extends: {file: missing.yml, service: b}\n",
            "app.yml:4:14: services.a.extends.file: cannot extend from missing.yml: cannot read stack file: No such file"
        ),
    ])
    func aBrokenExtendsIsAProblemAtItsPlace(yaml: String, expected: String) {
        let found = Self.problems(["app.yml": yaml])
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func aCycleThroughAnotherFileIsReportedWhereItCloses() {
        let found = Self.problems([
            "app.yml": "services:\n  a:\n    extends: {file: other.yml, service: b}\n",
            "other.yml": "services:\n  b:\n    extends: {file: app.yml, service: a}\n",
        ])
        #expect(found.contains("app.yml:3:14: services.a.extends: extends cycle: a -> b -> a"), "\(found)")
    }

    @Test func aBaseCopiedIntoManyServicesIsBounded() {
        // 600 services, each a copy of a 501-node base: 300000 nodes from a file of a few kilobytes.
        let base = (0..<250).map { "      K\($0): v" }.joined(separator: "\n")
        let many = (0..<600).map { "  s\($0): {extends: base}" }.joined(separator: "\n")
        let found = Self.problems([
            "app.yml": "services:\n  base:\n    image: x\n    environment:\n\(base)\n\(many)\n"
        ])
        #expect(
            found.contains { $0.contains("extends copies more than 200000 YAML nodes into the stack") },
            "\(found.prefix(3))")
    }

    @Test func anUnsetVariableInAnotherFileIsAWarningThere() throws {
        let (loaded, _) = try Self.load([
            "app.yml": "services:\n  web:\n    extends: {file: other.yml, service: base}\n",
            "other.yml":
                "services:\n  base:\n    image: \"busybox:${TWIPTEST_UNSET_TAG:-1}\"\n    hostname: \"h${TWIPTEST_UNSET}\"\n",
        ])
        #expect(loaded.stack.service(named: "web")?.image == "busybox:1")
        #expect(
            loaded.warnings.map(\.description).contains {
                $0.hasPrefix("other.yml:4:15: services.base.hostname: variable \"TWIPTEST_UNSET\" is not set")
            }, "\(loaded.warnings)")
    }

    @Test func aBadValueBroughtInFromAnotherFileIsReportedWhereItWasBroughtIn() {
        let found = Self.problems([
            "app.yml": "services:\n  web:\n    image: x\n    extends: {file: other.yml, service: base}\n",
            "other.yml": "services:\n  base:\n    ports: [\"80:abc\"]\n",
        ])
        #expect(
            found.contains { $0.hasPrefix("app.yml:4:5: services.web.ports[0]: invalid port \"80:abc\"") }, "\(found)")
    }

    @Test func twipAndDockerComposeMergeTheSameWay() throws {
        guard let dockerCompose = RealWorldCorpusTests.dockerCompose else {
            #expect(!RealWorldCorpusTests.isCI, "docker-compose is not installed (apt-get install docker-compose)")
            return
        }
        // docker-compose 1.29 refuses to extend a service with depends_on or links: the base has none here.
        let yaml = Self.sameFile.replacingOccurrences(of: "    depends_on: [db]\n    links: [db]\n", with: "")
        let (loaded, folder) = try Self.load(["app.yml": yaml])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dockerCompose)
        process.arguments = ["-f", folder + "/app.yml", "config"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let node = try #require(try YAML.parse(Array(data), file: "docker-compose output"))
        let theirs = ServiceView(try #require(node["services"]?["web"]), rewriting: folder, as: folder)
        let web = try #require(loaded.stack.service(named: "web"))
        #expect(theirs.command == web.command)
        #expect(theirs.environment == RealWorldCorpusTests.environment(web))
        #expect(theirs.ports == RealWorldCorpusTests.ports(web))
        #expect(theirs.healthTest == web.healthcheck?.test)
        #expect(Set(node["services"]?["web"]?["expose"]?.sequence?.compactMap(\.string) ?? []) == Set(web.expose))
        #expect(theirs.volumes.count == web.volumes.count)
    }
}
