import Foundation
import Synchronization
import Testing

@testable import TwipCommands
@testable import TwipCore

/// Progress lines and JSON events of the changing commands, rendered from step events without an engine.
@Suite struct ProgressRendererTests {
    static let names = EnvironmentNames(environment: "evtest")
    static let web2 = ObservedContainer(
        id: "c2", name: "evtest-web-2", environment: "evtest", service: "web", replica: 2, configHash: "h",
        imageID: "sha256:aa", image: "busybox", state: .running, health: .healthy)
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(
        _ step: Step, _ state: StepEvent.State, seconds: Double? = 12.4, error: String? = nil, id: Int = 1
    ) -> StepEvent {
        StepEvent(
            id: id, step: step, names: names, state: state, startedAt: start,
            at: start.addingTimeInterval(seconds ?? 0), duration: seconds.map { .milliseconds(Int($0 * 1000)) },
            error: error)
    }

    /// Collects what a renderer writes on each stream.
    final class Streams: Sendable {
        let output = Mutex("")
        let errors = Mutex("")

        func renderer(_ format: ProgressFormat, colour: Bool = false) -> ProgressRenderer {
            ProgressRenderer(
                format: format, command: "up", colour: colour,
                output: { text in self.output.withLock { $0 += text } },
                errors: { text in self.errors.withLock { $0 += text } })
        }

        var outputLines: [String] { output.withLock { $0 }.split(separator: "\n").map(String.init) }
        var errorText: String { errors.withLock { $0 } }
    }

    @Test(arguments: [
        (
            Step(.create(service: "web", replica: 2), .scaledUp),
            "✓ evtest-web-2 started — below the wanted replica count (12.4 s)"
        ),
        (Step(.waitUntilReady(["evtest-web-2"]), .proxyFollows), "✓ evtest-web-2 running and healthy (12.4 s)"),
        (Step(.remove(web2), .down), "✓ evtest-web-2 removed (12.4 s)"),
        (Step(.createNetwork("default"), .missing), "✓ network evtest_default created — not there yet (12.4 s)"),
        (
            Step(.createReplacement(service: "web", replica: 2, name: "evtest-web-2-abc123"), .replaced(.imageChanged)),
            "✓ evtest-web-2-abc123 started to replace web replica 2 — image changed (12.4 s)"
        ),
        (
            Step(.removeIfPresent("evtest-web-2-abc123"), .rolledBack),
            "✓ evtest-web-2-abc123 removed — rolling back the release (12.4 s)"
        ),
    ])
    func aFinishedStepIsOneLineWithItsOutcomeCauseAndDuration(step: Step, line: String) {
        #expect(StepLine.text(Self.event(step, .done), colour: false) == line)
    }

    @Test func aStartedStepShowsNoLineUntilItEnds() {
        let step = Step(.create(service: "web", replica: 2), .scaledUp)
        #expect(StepLine.text(Self.event(step, .started, seconds: nil), colour: false) == nil)
    }

    @Test func aFailedStepNamesTheFirstLineOfItsError() {
        let step = Step(.waitUntilReady(["evtest-web-2"]), .scaledUp)
        let line = StepLine.text(
            Self.event(step, .failed, seconds: 3, error: "evtest-web-2 is not ready: unhealthy\nmore"), colour: false)
        #expect(line == "✗ wait until evtest-web-2 ready failed: evtest-web-2 is not ready: unhealthy (3.0 s)")
    }

    @Test func colourIsUsedOnlyWhenAllowed() {
        let step = Step(.create(service: "web", replica: 2), .scaledUp)
        #expect(StepLine.text(Self.event(step, .done), colour: true)?.contains("\u{1B}[32m✓\u{1B}[0m") == true)
        #expect(StepLine.text(Self.event(step, .done), colour: false)?.contains("\u{1B}") == false)
        #expect(Terminal.colourAllowed(["NO_COLOR": "1"]) == false)
    }

    @Test(arguments: [(0.04, "0.04 s"), (1.44, "1.4 s"), (12.4, "12.4 s"), (125.0, "125.0 s")])
    func durationsAreShownInSeconds(seconds: Double, text: String) {
        #expect(StepLine.seconds(.milliseconds(Int(seconds * 1000))) == text)
    }

    @Test func aStepEventEncodesAsOneLineOfJSONWithItsSubjectCauseStateAndDuration() throws {
        let step = Step(
            .createReplacement(service: "web", replica: 2, name: "evtest-web-2-abc123"), .replaced(.imageChanged))
        let record = EventRecord(Self.event(step, .done, id: 7))
        let line = record.jsonLine
        #expect(!line.contains("\n"))
        let decoded = try JSONDecoder().decode(EventRecord.self, from: Data(line.utf8))
        #expect(decoded == record)
        #expect(decoded.event == "step")
        #expect(decoded.id == 7)
        #expect(decoded.kind == "createReplacement")
        #expect(decoded.state == "done")
        #expect(decoded.service == "web")
        #expect(decoded.replica == 2)
        #expect(decoded.containers == ["evtest-web-2-abc123"])
        #expect(decoded.cause == "image changed")
        #expect(decoded.duration == 12.4)
        #expect(decoded.started == "2027-01-15T08:00:00.000Z")
        #expect(decoded.time.hasPrefix("2027-01-15T08:00:12.") && decoded.time.hasSuffix("Z"))
        // Absent fields are left out, not written as null.
        #expect(!line.contains("null"))
        #expect(!line.contains("exitCode"))
    }

    @Test func aRolledBackReleaseIsItsOwnStateInTextAndJSON() {
        let release = Release(
            service: "web", order: .startFirst, batches: [], finish: [], failureAction: .rollback, allowedFailures: 0,
            delay: nil)
        let event = Self.event(Step(.release(release), .replaced(.imageChanged)), .rolledBack, error: "release failed")
        #expect(EventRecord(event).state == "rolled-back")
        #expect(EventRecord(event).service == "web")
        #expect(
            StepLine.text(event, colour: false)
                == "↺ release of web rolled back; the previous replicas serve (12.4 s)")
    }

    @Test func jsonModeWritesOnlyEventsOnStandardOutputAndWarningsOnStandardError() throws {
        let streams = Streams()
        let renderer = streams.renderer(.json)
        renderer.environment("evtest")
        let step = Step(.create(service: "web", replica: 2), .scaledUp)
        renderer.receive(.step(Self.event(step, .started, seconds: nil)))
        // The backend's own line for the same outcome is left out once steps report themselves.
        renderer.receive(.started("evtest-web-2"))
        renderer.receive(.step(Self.event(step, .done)))
        renderer.receive(.warning("the platform key is ignored"))
        renderer.receive(.scaled(service: "web", replicas: 2, changed: true))
        renderer.build(service: "web", line: "Step 1/2 : FROM \u{1B}[1mbusybox\u{1B}[0m")
        renderer.finish()

        let records = try streams.outputLines.map { try JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.event) == ["step", "step", "notice", "build", "summary"])
        #expect(records.map(\.state) == ["started", "done", nil, nil, "done"])
        #expect(records[2].message == "web: 2 replicas")
        #expect(records[3].line == "Step 1/2 : FROM busybox")
        let summary = try #require(records.last)
        #expect(summary.command == "up")
        #expect(summary.environment == "evtest")
        #expect(summary.steps == 1)
        #expect(summary.failed == 0)
        #expect(summary.rolledBack == [])
        #expect(summary.duration != nil)
        #expect(streams.errorText == "twip: warning: the platform key is ignored\n")
    }

    @Test func aFailureIsAnErrorEventWithTheUsualExitCodeThenAFailedSummary() async throws {
        let streams = Streams()
        let renderer = streams.renderer(.json)
        await #expect(throws: UsageError.self) {
            try await renderer.run { throw UsageError("--timeout must be a positive number of seconds") }
        }
        let records = try streams.outputLines.map { try JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.event) == ["error", "summary"])
        #expect(records[0].exitCode == 2)
        #expect(records[0].message == "--timeout must be a positive number of seconds")
        #expect(records[1].state == "failed")
        // The message still reaches standard error as usual, printed by the CLI's one error path.
        #expect(CLI.describe(UsageError("x")) == (["x"], 2))
    }

    @Test func textModePrintsOneLinePerFinishedStepThenASummary() {
        let streams = Streams()
        let renderer = streams.renderer(.text)
        renderer.environment("evtest")
        let step = Step(.create(service: "web", replica: 2), .scaledUp)
        renderer.receive(.step(Self.event(step, .started, seconds: nil)))
        renderer.receive(.started("evtest-web-2"))
        renderer.receive(.step(Self.event(step, .done)))
        renderer.receive(.scaled(service: "web", replicas: 2, changed: true))
        renderer.finish()
        let lines = streams.outputLines
        #expect(lines.count == 3)
        #expect(lines[0] == "✓ evtest-web-2 started — below the wanted replica count (12.4 s)")
        #expect(lines[1] == "web: 2 replicas")
        #expect(lines[2].hasPrefix("evtest: up done in "))
        #expect(lines[2].hasSuffix("(1 step)"))
        #expect(streams.errorText.isEmpty)
    }

    @Test func withoutStepEventsTheBackendsOwnLinesAreKept() {
        // A swarm stack converges without plan steps: its lines are the only progress there is.
        let streams = Streams()
        let renderer = streams.renderer(.text)
        renderer.receive(.networkCreated("evtest_default"))
        renderer.finish()
        #expect(streams.outputLines == ["network evtest_default created"])
    }

    @Test(arguments: [
        ("services:\n  web:\n    image: x\n    ports: [\"80:abc\"]\n", Int32(2), ":4:13: services.web.ports[0]"),
        ("services:\n  web:\n    image: x\n", Int32(3), "/tmp/nowhere.sock"),
    ])
    func theBinaryReportsAFailureAsAnErrorEventWithItsExitCode(yaml: String, status: Int32, detail: String) throws {
        let path = try ExitCodeTests.stackFile(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try ExitCodeTests.twip(
            ["-f", path, "up", "--format", "json"], environment: ExitCodeTests.nowhere)
        #expect(outcome.status == status)
        let records = try outcome.output.split(separator: "\n").map {
            try JSONDecoder().decode(EventRecord.self, from: Data($0.utf8))
        }
        #expect(records.map(\.event) == ["error", "summary"])
        #expect(records.first?.exitCode == Int(status))
        #expect(records.first?.message?.contains(detail) == true, "\(records)")
        #expect(records.last?.state == "failed")
        // Standard error still has the usual message.
        #expect(outcome.error.contains("twip: error: "))
    }

    @Test func aDryRunInJSONIsOnePlannedEventPerStep() throws {
        let streams = Streams()
        let renderer = streams.renderer(.json)
        let plan = Plan(steps: [
            Step(.createNetwork("default"), .missing),
            Step(
                .together([
                    [Step(.create(service: "web", replica: 1), .scaledUp)],
                    [Step(.create(service: "web", replica: 2), .scaledUp)],
                ]), .scaledUp),
        ])
        renderer.planned(plan, names: Self.names)
        let records = try streams.outputLines.map { try JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.kind) == ["createNetwork", "create", "create"])
        #expect(records.allSatisfy { $0.state == "planned" && $0.duration == nil })
        #expect(records.map(\.id) == [1, 2, 3])
        #expect(records[0].object == "evtest_default")
        #expect(records[2].containers == ["evtest-web-2"])
    }
}
