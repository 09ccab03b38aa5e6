import ArgumentParser
import Foundation
import Synchronization
import TwipCore

/// How a command that changes an environment shows its progress.
enum ProgressFormat: String, ExpressibleByArgument, CaseIterable {
    /// One line per finished step with its duration, for people.
    case text
    /// One JSON object per line (step, notice, build, error and summary events), for pipelines; nothing else on
    /// standard output, warnings on standard error.
    case json
}

/// Renders what a changing command (`up`, `down`, `scale`, `restart`, `rollback`) reports: step events as progress
/// lines or JSON events, other progress as lines or notices, and a final summary. Safe to call from the tasks of
/// steps that run side by side.
final class ProgressRenderer: Sendable {
    let format: ProgressFormat
    let command: String
    /// Whether text lines may carry colour (an interactive terminal without NO_COLOR).
    let colour: Bool
    let output: @Sendable (String) -> Void
    let errors: @Sendable (String) -> Void
    let startedAt: Date
    let start: ContinuousClock.Instant
    private let state = Mutex(Tally())

    struct Tally {
        var environment: String?
        /// Once a step event came, backend events that repeat a step's outcome are left out.
        var sawSteps = false
        var done = 0
        var failed = 0
        var rolledBack: [String] = []
    }

    init(
        format: ProgressFormat, command: String, colour: Bool = Terminal.standardOutput.showsColour,
        output: @escaping @Sendable (String) -> Void = { Terminal.standardOutput.write($0) },
        errors: @escaping @Sendable (String) -> Void = { Terminal.standardError.write($0) },
        now: Date = Date()
    ) {
        self.format = format
        self.command = command
        self.colour = colour
        self.output = output
        self.errors = errors
        self.startedAt = now
        self.start = .now
    }

    /// Names the environment in the summary.
    func environment(_ name: String) {
        state.withLock { $0.environment = name }
    }

    /// One event of the environment operation.
    func receive(_ progress: TwipCore.Progress) {
        if case .step(let event) = progress { return receive(event) }
        if progress.isStepOutcome, state.withLock({ $0.sawSteps }) { return }
        switch (format, progress) {
        case (.json, .warning(let text)):
            errors("twip: warning: \(text)\n")
        case (.json, _):
            emit(EventRecord(event: "notice", time: Date(), message: progress.description))
        case (.text, _):
            output("\(progress)\n")
        }
    }

    func receive(_ event: StepEvent) {
        state.withLock { tally in
            tally.sawSteps = true
            switch event.state {
            case .started: break
            case .done: tally.done += 1
            case .failed: tally.failed += 1
            case .rolledBack:
                tally.failed += 1
                if let service = event.service { tally.rolledBack.append(service) }
            }
        }
        switch format {
        case .json:
            emit(EventRecord(event))
        case .text:
            if let line = StepLine.text(event, colour: colour) { output(line + "\n") }
        }
    }

    /// One line of an image build that `up` runs first.
    func build(service: String, line: String) {
        switch format {
        case .json: emit(EventRecord(event: "build", time: Date(), service: service, line: ImageBuild.plain(line)))
        case .text: output("\(service) | \(Terminal.standardOutput.shown(line))\n")
        }
    }

    /// A line of the command's own (the plan of a dry run, what a rollback returned to).
    func note(_ text: String) {
        switch format {
        case .json: emit(EventRecord(event: "notice", time: Date(), message: text))
        case .text: output(text + "\n")
        }
    }

    /// The steps of a plan that is not carried out (`up --dry-run`), one `planned` event each.
    func planned(_ plan: Plan, names: EnvironmentNames) {
        for (index, step) in plan.steps.flatMap(\.flattened).enumerated() {
            emit(EventRecord(planned: step, id: index + 1, names: names, time: Date()))
        }
    }

    /// Runs the command's work, then ends with its summary; a failure becomes an error event first (in JSON) and
    /// is thrown on, so that the exit code and the message on standard error stay the usual ones.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            fail(error)
            throw error
        }
        finish()
    }

    /// The summary of a command that succeeded.
    func finish() {
        let tally = state.withLock { $0 }
        let duration = ContinuousClock.now - start
        switch format {
        case .json:
            emit(EventRecord(summary: command, tally: tally, state: "done", startedAt: startedAt, duration: duration))
        case .text:
            guard tally.done > 0 else { return }
            let name = tally.environment.map { "\($0): " } ?? ""
            output(
                "\(name)\(command) done in \(StepLine.seconds(duration)) (\(tally.done) step\(tally.done == 1 ? "" : "s"))\n"
            )
        }
    }

    /// The error event and the summary of a command that failed (JSON only: text shows the error on standard
    /// error as every command does).
    func fail(_ error: any Error) {
        guard format == .json else { return }
        let tally = state.withLock { $0 }
        let (lines, code) = CLI.describe(error)
        emit(
            EventRecord(
                event: "error", time: Date(), message: lines.first ?? "\(error)", lines: lines, exitCode: Int(code)))
        emit(
            EventRecord(
                summary: command, tally: tally, state: tally.rolledBack.isEmpty ? "failed" : "rolled-back",
                startedAt: startedAt, duration: ContinuousClock.now - start))
    }

    func emit(_ record: EventRecord) {
        output(record.jsonLine + "\n")
    }
}

/// The text line of a step event: one per finished step, its outcome, why, and how long it took
/// (`✓ prod-web-2 started — below the wanted replica count (1.4 s)`).
enum StepLine {
    /// The line for `event`; nil for a start (a step shows once, when it ends).
    static func text(_ event: StepEvent, colour: Bool) -> String? {
        guard let duration = event.duration else { return nil }
        let time = "(\(seconds(duration)))"
        switch event.state {
        case .started:
            return nil
        case .done:
            let why = shownCause(event.step.cause).map { " — \($0)" } ?? ""
            return "\(mark("✓", 32, colour)) \(outcome(event))\(why) \(time)"
        case .failed:
            let why = event.error.map { ": " + firstLine($0) } ?? ""
            return "\(mark("✗", 31, colour)) \(event.step.action) failed\(why) \(time)"
        case .rolledBack:
            let service = event.service ?? "the service"
            return "\(mark("↺", 33, colour)) release of \(service) rolled back; the previous replicas serve \(time)"
        }
    }

    /// What a step did, in the past tense, with engine names.
    static func outcome(_ event: StepEvent) -> String {
        let who = event.containers.joined(separator: ", ")
        let object = event.object ?? ""
        return switch event.step.kind {
        case .createNetwork: "network \(object) created"
        case .createVolume: "volume \(object) created"
        case .waitForDependencies(let service): "dependencies of \(service) ready"
        case .create, .start: "\(who) started"
        case .createReplacement(let service, let replica, _): "\(who) started to replace \(service) replica \(replica)"
        case .waitUntilReady: "\(who) running and healthy"
        case .leaveProxies: "\(who) out of the proxies"
        case .rejoinProxies: "\(who) back in the proxies"
        case .drain: "in-flight requests drained"
        case .remove, .removeIfPresent: "\(who) removed"
        case .restart: "\(who) restarted"
        case .syncProxies: "proxies updated"
        case .removeNetwork: "network \(object) removed"
        case .removeVolume: "volume \(object) removed"
        case .stop: "\(who) stopped (kept until the release is done)"
        case .monitor: "\(who) stayed healthy while watched"
        case .pause: "paused between batches"
        case .keepPrevious(let reference, let id):
            "image \(id.replacingOccurrences(of: "sha256:", with: "").prefix(12)) kept as the previous release of \(reference)"
        case .release(let release): "release of \(release.service) done"
        case .together: event.step.action
        }
    }

    /// The cause worth a word on the line; nil when the command itself says it.
    static func shownCause(_ cause: Cause) -> String? {
        switch cause {
        case .proxyFollows, .down, .restartRequested, .waitRequested: nil
        default: cause.description
        }
    }

    /// `0.04 s`, `1.4 s`, `12.4 s`.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value < 0.1 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
    }

    static func mark(_ symbol: String, _ code: Int, _ colour: Bool) -> String {
        colour ? "\u{1B}[\(code)m\(symbol)\u{1B}[0m" : symbol
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}

/// One JSON event as `--format json` writes it, on a line of its own; absent fields are left out.
struct EventRecord: Codable, Equatable, Sendable {
    /// `step`, `notice`, `build`, `error` or `summary`.
    var event: String
    /// When the event happened (RFC 3339, milliseconds, UTC).
    var time: String
    // Steps.
    var id: Int?
    var kind: String?
    /// `planned`, `started`, `done`, `failed` or `rolled-back` (a summary's: `done`, `failed`, `rolled-back`).
    var state: String?
    var service: String?
    var replica: Int?
    var containers: [String]?
    var object: String?
    var cause: String?
    var description: String?
    var started: String?
    /// Seconds (to the millisecond).
    var duration: Double?
    var error: String?
    // Notices, builds, errors.
    var message: String?
    var line: String?
    var lines: [String]?
    var exitCode: Int?
    // The summary.
    var command: String?
    var environment: String?
    var steps: Int?
    var failed: Int?
    var rolledBack: [String]?

    init(
        event: String, time: Date, service: String? = nil, message: String? = nil, line: String? = nil,
        lines: [String]? = nil, exitCode: Int? = nil
    ) {
        self.event = event
        self.time = Self.timestamp(time)
        self.service = service
        self.message = message
        self.line = line
        self.lines = lines
        self.exitCode = exitCode
    }

    init(_ step: StepEvent) {
        self.init(event: "step", time: step.at, service: step.service)
        id = step.id
        kind = step.step.kind.name
        state = step.state.rawValue
        replica = step.replica
        containers = step.containers.isEmpty ? nil : step.containers
        object = step.object
        cause = step.step.cause.description
        description = step.step.action
        started = Self.timestamp(step.startedAt)
        duration = step.duration.map(Self.seconds)
        error = step.error
    }

    init(planned step: Step, id: Int, names: EnvironmentNames, time: Date) {
        let subject = StepEvent(id: id, step: step, names: names, state: .started, startedAt: time, at: time)
        self.init(subject)
        state = "planned"
        started = nil
    }

    init(
        summary command: String, tally: ProgressRenderer.Tally, state: String, startedAt: Date, duration: Duration
    ) {
        self.init(event: "summary", time: Date())
        self.command = command
        self.environment = tally.environment
        self.state = state
        self.started = Self.timestamp(startedAt)
        self.duration = Self.seconds(duration)
        self.steps = tally.done
        self.failed = tally.failed
        self.rolledBack = tally.rolledBack.sorted()
    }

    /// The record as one line of JSON (keys sorted, slashes as they are).
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, number or array of them: encoding cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func seconds(_ duration: Duration) -> Double {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return (value * 1000).rounded() / 1000
    }
}
