import Foundation
import Testing
import TwipStack
import TwipYAML

/// Hostile or absurd input ends in an error with a place, never in a crash, a hang or runaway memory.
@Suite struct BoundsTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func deeplyNestedInterpolationIsAnErrorNotACrash() {
        let depth = 3000
        let value = String(repeating: "${A:-", count: depth) + "x" + String(repeating: "}", count: depth)
        let found = problems("services:\n  web:\n    image: \"\(value)\"\n")
        #expect(
            found.contains {
                $0.hasPrefix("stacks/test.yml:3:12: services.web.image: invalid interpolation")
                    && $0.contains("nested more than \(Interpolator.maxNesting) levels")
            }, "\(found.prefix(2))")
    }

    @Test func nestingWithinTheLimitStillInterpolates() throws {
        let depth = Interpolator.maxNesting
        let value = String(repeating: "${A:-", count: depth) + "nginx" + String(repeating: "}", count: depth)
        let loaded = try loadText("services:\n  web:\n    image: \"\(value)\"\n")
        #expect(loaded.stack.services[0].image == "nginx")
    }

    @Test func interpolationCannotMultiplyTextWithoutBound() {
        let big = String(repeating: "a", count: 1 << 20)
        let references = String(repeating: "$BIG", count: 3)
        let found = problems(
            "services:\n  web:\n    image: x\n    labels:\n"
                + (0..<80).map { "      l\($0): \"\(references)\"\n" }.joined(),
            environment: ["BIG": big])
        #expect(found.contains { $0.contains("interpolation adds more than") }, "\(found.prefix(2))")
    }

    @Test func aLongDependsOnChainLoadsInOrder() throws {
        let count = 14_000
        var yaml = "services:\n"
        for index in 0..<count {
            yaml += "  s\(index):\n    image: x\n"
            if index + 1 < count { yaml += "    depends_on: [s\(index + 1)]\n" }
        }
        let stack = try loadText(yaml).stack
        let order = stack.startWaves().flatMap { $0 }
        #expect(order.count == count)
        #expect(order.first == "s\(count - 1)")
        #expect(order.last == "s0")
    }

    @Test func aLongDependencyCycleIsOneShortProblem() {
        let count = 14_000
        var yaml = "services:\n"
        for index in 0..<count {
            yaml += "  s\(index):\n    image: x\n    depends_on: [s\((index + 1) % count)]\n"
        }
        let found = problems(yaml)
        #expect(found.count == 1, "\(found.count)")
        #expect(
            found.first?.hasPrefix("stacks/test.yml:4:18: services.s0.depends_on[0]: dependency cycle: s0 -> s1")
                == true, "\(found)")
        #expect((found.first?.count ?? .max) < 300)
    }

    @Test func portRangesStayRangesUnderAliases() throws {
        let yaml =
            "x-p: &p \"1-65535\"\nservices:\n  web:\n    image: x\n    ports: ["
            + Array(repeating: "*p", count: 36)
            .joined(separator: ",") + "]\n"
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = clock.measure { found = problems(yaml) }
        #expect(
            found == [
                "stacks/test.yml:5:16: services.web.ports[1]: the service's ports stand for more than 65535 ports once ranges are counted"
            ])
        #expect(elapsed < .seconds(5))
    }

    @Test func aFullRangeIsOneEntryInTheNormalizedStackAndLoadsBackEqual() throws {
        let stack = try loadText(
            "services:\n  web:\n    image: x\n    ports: [\"1-65535\"]\n    expose: [\"9000-9999/udp\"]\n"
        )
        .stack
        let web = stack.services[0]
        #expect(web.portMappings == [PortMapping(target: 1...65535)])
        #expect(web.ports.count == 65535)
        #expect(web.ports.last == Port(target: 65535))
        #expect(web.exposedPorts == [ExposedPorts(ports: 9000...9999, protocol: "udp")])
        let yaml = stack.normalizedYAML()
        #expect(yaml.contains("target: \"1-65535\""))
        #expect(yaml.contains("- \"9000-9999/udp\""))
        #expect(yaml.utf8.count < 1000)
        let again = try loadText(yaml).stack
        #expect(again.services == stack.services)
        #expect(again.services[0].configHash == web.configHash)
    }

    @Test func publishedRangesInLongSyntaxMustMatchTheTargets() {
        let found = problems(
            "services:\n  web:\n    image: x\n    ports:\n      - target: 80-81\n        published: 8000-8002\n")
        #expect(
            found == [
                "stacks/test.yml:6:20: services.web.ports[0].published: the host and container port ranges must have the same length"
            ])
    }

    @Test(arguments: ["/dev/zero", "/dev/null", "/tmp"])
    func onlyRegularStackFilesAreRead(path: String) {
        do {
            _ = try StackLoader(environment: [:]).load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.message.contains("not a regular file") == true, "\(error)")
        }
    }

    @Test func anEnvFileThatIsADeviceIsAProblemAtItsPlace() {
        let found = problems("services:\n  web:\n    image: x\n    env_file: /dev/zero\n")
        #expect(
            found == [
                "stacks/test.yml:4:15: services.web.env_file: cannot read env file /dev/zero: not a regular file (a character device)"
            ])
    }

    @Test func oversizedFilesAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-bounds-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stack = directory.appendingPathComponent("big.yml").path
        let env = directory.appendingPathComponent("big.env").path
        try Data(repeating: UInt8(ascii: "#"), count: (4 << 20) + 1).write(to: URL(fileURLWithPath: stack))
        try Data(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1).write(to: URL(fileURLWithPath: env))
        do {
            _ = try StackLoader(environment: [:]).load(path: stack, displayPath: "big.yml")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.problems.map(\.description) == ["big.yml:1:1: cannot read stack file: it is larger than 4 MiB"])
        }
        let found = problems("services:\n  web:\n    image: x\n    env_file: \(env)\n")
        #expect(
            found == [
                "stacks/test.yml:4:15: services.web.env_file: cannot read env file \(env): it is larger than 1 MiB"
            ])
    }

    @Test func manyUndefinedDependenciesAreReportedQuickly() {
        var yaml = "services:\n  web:\n    image: x\n    depends_on:\n"
        for index in 0..<1500 { yaml += "      - undefined\(index)\n" }
        yaml += "      - svc1499x\n"
        for index in 0..<1500 { yaml += "  svc\(index):\n    image: x\n" }
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = clock.measure { found = problems(yaml) }
        #expect(found.count == 1501)
        #expect(
            found.last?.hasSuffix("depends_on refers to undefined service \"svc1499x\"; did you mean \"svc1499\"?")
                == true, "\(found.suffix(2))")
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test func aHugeMisspelledKeyIsCheapToReport() {
        let key = String(repeating: "k", count: 1 << 20)
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = clock.measure { found = problems("services:\n  web:\n    image: x\n    \(key): 1\n") }
        #expect(found.count == 1)
        #expect((found.first?.count ?? .max) < 2100)
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test func aliasesCannotCopyTextWithoutBound() {
        let scalar = String(repeating: "a", count: 1 << 20)
        let found = problems(
            "x-a: &a \"\(scalar)\"\nservices:\n  web:\n    image: x\n    labels: ["
                + Array(repeating: "*a", count: 20)
                .joined(separator: ",") + "]\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("alias expansion exceeds 16 MiB of text") == true, "\(found)")
    }

    @Test func everyProblemIsOneLineEvenWhenTheValueHasLineBreaks() {
        let found = problems("services:\n  web:\n    image: \"nginx\\nlatest\"\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("\n") == false)
        #expect(
            found.first?.hasPrefix(
                "stacks/test.yml:3:12: services.web.image: invalid image reference \"nginx\\nlatest\"") == true,
            "\(found)")
    }

    @Test func theRepositoryStacksStayWithinEveryBound() throws {
        for name in ["prod", "train"] {
            let loaded = try StackLoader(environment: [:]).load(path: "\(Self.repoRoot)/stacks/\(name).yml")
            #expect(!loaded.stack.services.isEmpty)
        }
    }
}
