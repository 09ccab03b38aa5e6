import Foundation
import Testing
import TwipYAML

@testable import TwipStack

/// Compose files as projects publish them (Fixtures/realworld, sources in its README.md): twip loads every one,
/// and what it reads agrees with docker-compose 1.29 on the fields both know.
// Serialized: 54 docker-compose processes at once would starve every other test on two cores.
@Suite(.serialized) struct RealWorldCorpusTests {
    static let directory = fixturesDirectory + "/realworld"
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let dockerCompose = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Every `<repo>/<name>.yml` of the corpus, as a path relative to the corpus directory.
    static let files: [String] = {
        let repos = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return repos.sorted().flatMap { repo in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + repo)) ?? [])
                .filter { $0.hasSuffix(".yml") }.sorted().map { "\(repo)/\($0)" }
        }
    }()

    /// The files docker-compose 1.29 itself refuses (listed in the README): left out of the comparison.
    static let refusedByDockerCompose: Set<String> = [
        "awesome-compose/react-rust-postgres.yml",  // top-level `name`
        "compose/config_hash.yml",  // env_file with path/required
        "compose/restart-depends-on.yml",  // depends_on restart
    ]

    /// The variables the files expect to be set, as their READMEs ask (the same for both tools).
    static let environment = ["HOME": "/root", "PATH": "/usr/bin:/bin", "PLEX_MEDIA_PATH": "/srv/media"]

    /// Files using deploy keys that are decoded on another branch (`restart_policy`...).
    static let waitingForDeployKeys: Set<String> = []

    static func load(_ file: String) throws -> LoadedStack {
        try StackLoader(environment: environment).load(path: directory + "/" + file, displayPath: file)
    }

    @Test func theCorpusHoldsThirtyToSixtyFiles() {
        #expect((30...60).contains(Self.files.count), "\(Self.files.count) files")
    }

    @Test("every corpus file loads and its normalized form loads back equal", arguments: files)
    func everyCorpusFileLoads(file: String) throws {
        let loaded: LoadedStack
        do {
            loaded = try Self.load(file)
        } catch {
            withKnownIssue(isIntermittent: true) {
                Issue.record("\(error)")
            } when: {
                Self.waitingForDeployKeys.contains(file)
            }
            return
        }
        let yaml = loaded.stack.normalizedYAML()
        let again = try StackLoader(environment: [:]).load(yaml: yaml, path: loaded.stack.filePath).stack
        #expect(again.services == loaded.stack.services)
    }

    @Test("twip and docker-compose read the same services", arguments: files)
    func agreesWithDockerCompose(file: String) throws {
        guard !Self.refusedByDockerCompose.contains(file), !Self.waitingForDeployKeys.contains(file) else { return }
        guard let dockerCompose = Self.dockerCompose else {
            #expect(!Self.isCI, "docker-compose is not installed (apt-get install docker-compose)")
            return
        }
        let stack = try Self.load(file).stack
        let theirs = try Self.dockerComposeConfig(dockerCompose, file: file, stack: stack)
        let services = try #require(theirs.node["services"]?.pairs, "docker-compose printed no services")
        #expect(Set(services.compactMap(\.key.string)) == Set(stack.services.map(\.name)))
        for pair in services {
            guard let name = pair.key.string, let service = stack.service(named: name) else { continue }
            let view = ServiceView(
                pair.value, rewriting: theirs.directory, as: Self.directory + "/" + Self.folder(file))
            #expect(view.image == service.image, "\(name).image")
            #expect(view.command == service.command, "\(name).command")
            #expect(view.environment == Self.environment(service), "\(name).environment")
            #expect(view.ports == Self.ports(service), "\(name).ports")
            #expect(view.volumes == Self.volumes(service), "\(name).volumes")
            #expect(view.networks == Set(service.networks.map(\.name)), "\(name).networks")
            #expect(view.dependsOn == Set(service.dependsOn.map(\.service)), "\(name).depends_on")
            #expect(view.healthTest == service.healthcheck.map(\.test), "\(name).healthcheck.test")
            #expect(view.restart == service.restart?.description, "\(name).restart")
        }
    }

    static func folder(_ file: String) -> String { String(file.split(separator: "/")[0]) }

    /// Runs `docker-compose config` on a copy of the file in a scratch directory, with the build contexts it
    /// checks for created empty there; returns its output and the scratch directory.
    static func dockerComposeConfig(_ executable: String, file: String, stack: Stack) throws -> (
        node: Node, directory: String
    ) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-corpus-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let fixtureDirectory = directory + "/" + folder(file)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let copy = scratch + "/" + (file.split(separator: "/").last.map(String.init) ?? "compose.yml")
        try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: copy)
        for context in stack.services.compactMap(\.build?.context) where context.hasPrefix(fixtureDirectory) {
            try FileManager.default.createDirectory(
                atPath: scratch + context.dropFirst(fixtureDirectory.count), withIntermediateDirectories: true)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", copy, "config"]
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "docker-compose refused \(file): \(String(decoding: message, as: UTF8.self))")
        let node = try #require(try YAML.parse(Array(data), file: "docker-compose output"))
        return (node, scratch)
    }

    static func environment(_ service: Service) -> [String: String?] {
        Dictionary(service.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// `published:target/protocol` for every single port.
    static func ports(_ service: Service) -> Set<String> {
        Set(
            service.ports.map { port in
                "\(port.published.map(String.init) ?? ""):\(port.target)/\(port.protocol)"
            })
    }

    /// `source:target` (source empty for an anonymous volume).
    static func volumes(_ service: Service) -> Set<String> {
        Set(service.volumes.filter { $0.type != .tmpfs }.map { "\($0.source ?? ""):\($0.target)" })
    }
}

/// The fields of one service of docker-compose's output, in twip's terms.
struct ServiceView {
    var image: String?
    var command: [String]?
    var environment: [String: String?] = [:]
    var ports: Set<String> = []
    var volumes: Set<String> = []
    var networks: Set<String> = []
    var dependsOn: Set<String> = []
    var healthTest: [String]?
    var restart: String?

    init(_ node: Node, rewriting scratch: String, as fixtureDirectory: String) {
        image = node["image"]?.string.map(Self.unescape)
        if let command = node["command"] {
            command.string.map { self.command = ShellWords.split(Self.unescape($0)) }
            command.sequence.map { self.command = $0.compactMap(\.string).map(Self.unescape) }
        }
        for pair in node["environment"]?.pairs ?? [] {
            guard let name = pair.key.string else { continue }
            environment[name] = pair.value.isNull ? String?.none : pair.value.string.map(Self.unescape)
        }
        for port in node["ports"]?.sequence ?? [] {
            if let text = port.string, case .success(let mapping) = PortSyntax.parse(text) {
                ports.formUnion(
                    mapping.ports.map { "\($0.published.map(String.init) ?? ""):\($0.target)/\($0.protocol)" })
            } else if let target = port["target"]?.string {
                let published = port["published"]?.string ?? ""
                ports.insert("\(published):\(target)/\(port["protocol"]?.string ?? "tcp")")
            }
        }
        for volume in node["volumes"]?.sequence ?? [] {
            if let text = volume.string {
                let parts = text.split(separator: ":").map(String.init)
                let hasMode = parts.count == 3 || (parts.count == 2 && !parts[1].hasPrefix("/"))
                let core = hasMode ? Array(parts.dropLast()) : parts
                let source = core.count == 2 ? Self.rewrite(core[0], scratch, fixtureDirectory) : ""
                volumes.insert("\(source):\(core.last ?? "")")
            } else if volume["type"]?.string != "tmpfs" {
                let source = volume["source"]?.string.map { Self.rewrite($0, scratch, fixtureDirectory) } ?? ""
                volumes.insert("\(source):\(volume["target"]?.string ?? "")")
            }
        }
        if let networks = node["networks"] {
            self.networks = Set(
                (networks.pairs?.compactMap(\.key.string) ?? networks.sequence?.compactMap(\.string)) ?? [])
        }
        if let dependsOn = node["depends_on"] {
            self.dependsOn = Set(
                (dependsOn.pairs?.compactMap(\.key.string) ?? dependsOn.sequence?.compactMap(\.string)) ?? [])
        }
        if let test = node["healthcheck"]?["test"] {
            healthTest = (test.string.map { ["CMD-SHELL", $0] } ?? test.sequence?.compactMap(\.string))?.map(
                Self.unescape)
        }
        restart = node["restart"]?.string
    }

    /// docker-compose prints `$` as `$$` so that its output reads back the same.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "$$", with: "$")
    }

    static func rewrite(_ path: String, _ scratch: String, _ fixtureDirectory: String) -> String {
        let realScratch = (scratch as NSString).resolvingSymlinksInPath
        for prefix in [scratch, realScratch] where path.hasPrefix(prefix) {
            return fixtureDirectory + path.dropFirst(prefix.count)
        }
        return path
    }
}
