import Foundation
import Testing

/// Runs the built `twip` binary the way an operator does, and checks exit codes and messages.
@Suite struct ExitCodeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/twip").path

    struct Outcome {
        var status: Int32
        var output: String
        var error: String
    }

    static func twip(_ arguments: [String], environment: [String: String] = [:], in directory: URL = root) throws
        -> Outcome
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    static func stackFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("twip-cli-\(UUID().uuidString).yml")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let nowhere = ["DOCKER_HOST": "unix:///tmp/nowhere.sock"]

    @Test func anUnreachableEngineIsExitThreeNamingTheSocket() throws {
        let outcome = try Self.twip(["train", "ps"], environment: Self.nowhere)
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("/tmp/nowhere.sock"))
        #expect(outcome.error.contains("twip setup"))
    }

    @Test(arguments: [
        ("services:\n  web:\n    imgae: nginx\n", "3:5: services.web.imgae", "did you mean"),
        ("services:\n  web:\n    image: x\n    ports:\n      - \"80:abc\"\n", "5:9: services.web.ports[0]", "80:abc"),
        ("services:\n  web:\n    image: x\n    image: y\n", "4:5: services.web.image", "duplicate"),
        ("services:\n  web:\n    image: x\n    depends_on: [db]\n", "services.web.depends_on", "db"),
        ("services:\n  web:\n    image: x\n    restart: sometimes\n", "4:14: services.web.restart", "sometimes"),
    ])
    func anInvalidStackIsExitTwoWithFileLineColumnAndKeyPathBeforeAnyEngineCall(
        yaml: String, location: String, detail: String
    ) throws {
        let path = try Self.stackFile(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The engine is unreachable on purpose: a stack error must be found first (2, not 3).
        let outcome = try Self.twip(["-f", path, "up"], environment: Self.nowhere)
        #expect(outcome.status == 2)
        #expect(outcome.error.contains("twip: error: \(path):\(location)") || outcome.error.contains(location))
        #expect(outcome.error.contains(detail))
    }

    @Test func everyProblemOfAFileIsReportedOnItsOwnLine() throws {
        let path = try Self.stackFile(
            "services:\n  web:\n    imgae: x\n    restart: sometimes\n  Bad Name:\n    image: y\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try Self.twip(["-f", path, "config"])
        #expect(outcome.status == 2)
        let lines = outcome.error.split(separator: "\n").filter { $0.hasPrefix("twip: error: \(path):") }
        #expect(lines.count >= 3)
    }

    @Test(arguments: [
        ["prod", "scale", "web=abc"], ["prod", "scale", "nosuch=2"], ["prod", "nosuchaction"], ["train"],
        ["prod", "up", "--timeout", "0"], ["nosuch", "up"], ["swarm", "join-token", "boss"],
    ])
    func badUsageIsExitTwoBeforeAnyEngineCall(arguments: [String]) throws {
        let outcome = try Self.twip(arguments, environment: Self.nowhere)
        #expect(outcome.status == 2, "\(arguments): \(outcome.error)")
        #expect(outcome.error.hasPrefix("twip: error: "))
    }

    @Test func whatASwarmCannotDoIsExitTwoBeforeAnyEngineCall() throws {
        let path = try Self.stackFile(
            "name: clitest\nx-twip: {orchestrator: swarm}\nservices:\n  web:\n    image: x\n    ports: [\"127.0.0.1:8080:80\"]\n"
        )
        let outcome = try Self.twip(["-f", path, "up"], environment: Self.nowhere)
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(
            outcome.error.contains(":6:5: services.web.ports: port 80 is bound to 127.0.0.1, which a swarm cannot do"))
    }

    @Test(arguments: [
        (
            ["--registry", "http://reg.example:5000"], [:],
            "twip: error: --registry: invalid registry \"http://reg.example:5000\": a registry is not a URL"
        ),
        (
            [], ["TWIP_REGISTRY": "registry"],
            "twip: error: TWIP_REGISTRY: invalid registry \"registry\": image names would read"
        ),
    ])
    func aRegistryThatCannotBeOneIsExitTwoBeforeAnyEngineCall(
        arguments: [String], environment: [String: String], message: String
    ) throws {
        let path = try Self.stackFile("name: clitest\nx-twip: {orchestrator: swarm}\nservices:\n  web:\n    image: x\n")
        let outcome = try Self.twip(
            ["-f", path, "up"] + arguments, environment: Self.nowhere.merging(environment) { $1 })
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.error.hasPrefix(message), "\(outcome.error)")
    }

    @Test func theStacksRegistryIsCheckedWhereItIsWritten() throws {
        let path = try Self.stackFile(
            "name: clitest\nx-twip:\n  orchestrator: swarm\n  registry: Registry.example.com/News\nservices:\n  web:\n    image: x\n"
        )
        let outcome = try Self.twip(["-f", path, "up"], environment: Self.nowhere)
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.error.contains(":4:13: x-twip.registry: invalid registry \"Registry.example.com/News\""))
    }

    @Test func aRegistryForAStackOfContainersIsAUsageError() throws {
        let path = try Self.stackFile("name: clitest\nservices:\n  web:\n    image: x\n")
        let outcome = try Self.twip(["-f", path, "up", "--registry", "127.0.0.1:5000"], environment: Self.nowhere)
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.error.contains("runs containers on one engine; a registry serves swarm stacks"))
    }

    @Test func thePublicStackIsASwarmStackWithHostModePorts() throws {
        let outcome = try Self.twip(["public", "config"], environment: ["TWIP_HTTP_PORT": "18280"])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("orchestrator: swarm"))
        #expect(outcome.output.contains("endpoint_mode: dnsrr"))
        #expect(outcome.output.contains("published: 18280"))
    }

    @Test func configPrintsTheNormalizedStack() throws {
        let outcome = try Self.twip(["train", "config"], environment: ["TWIP_HTTP_PORT": "18123"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("published: 18123"))
        #expect(outcome.output.contains("x-twip-proxy:"))
    }

    @Test(arguments: ["prod", "train"])
    func theComposeFilesOfTheOldToolAreAccepted(environment: String) throws {
        let path = Self.root.appendingPathComponent("Tests/TwipStackTests/Fixtures/\(environment)/docker-compose.yml")
            .path
        try #require(FileManager.default.fileExists(atPath: path))
        let outcome = try Self.twip(["-f", path, "config"])
        #expect(outcome.status == 0, "\(path): \(outcome.error)")
        #expect(outcome.output.contains("services:"))
    }
}
