import EngineTestSupport
import Foundation
import Testing

/// `--format json` of the changing commands, run as an operator runs them, against the real engine (busybox
/// replicas, containers backend): every line of standard output is a JSON event, and the events cover the plan.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct ProgressEventsEngineTests {
    let environment = "evtest\(UInt16.random(in: 1000...65000))"

    func stack(health: String) -> String {
        """
        name: \(environment)
        services:
          web:
            image: \(EngineTestSupport.image)
            command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
            healthcheck:
              test: \(health)
              interval: 300ms
              timeout: 2s
              retries: 1
            deploy:
              replicas: 2
              update_config:
                parallelism: 1
                order: start-first
                failure_action: rollback
                monitor: 1s

        """
    }

    static let healthy = #"["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]"#
    static let sick = #"["CMD", "sh", "-c", "echo cannot reach the journal; exit 1"]"#

    /// Every line of `output` as a JSON object; a line that is not one fails the test.
    func events(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func twip(_ arguments: [String], file: String) throws -> ExitCodeTests.Outcome {
        try ExitCodeTests.twip(["-f", file] + arguments)
    }

    @Test func upEventsCoverEveryPlannedStepWithDurationsAndARolledBackReleaseShowsItsRollback() async throws {
        try await EngineTestSupport.withEngine { _ in }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(environment).yml").path
        try stack(health: Self.healthy).write(toFile: file, atomically: true, encoding: .utf8)
        defer {
            _ = try? twip(["down"], file: file)
            try? FileManager.default.removeItem(atPath: file)
        }

        // The plan, as planned events.
        let dryRun = try twip(["up", "--wait", "--dry-run", "--format", "json"], file: file)
        #expect(dryRun.status == 0, "\(dryRun.error)")
        let plannedEvents = try events(dryRun.output)
        #expect(plannedEvents.last?["event"] as? String == "summary")
        let planned = plannedEvents.dropLast()
        #expect(!planned.isEmpty)
        #expect(planned.allSatisfy { $0["event"] as? String == "step" && $0["state"] as? String == "planned" })

        // The same plan carried out: a start and an end with a duration for every planned step.
        let up = try twip(["up", "--wait", "--timeout", "90", "--format", "json"], file: file)
        #expect(up.status == 0, "\(up.error)")
        let events = try events(up.output)
        let steps = events.filter { $0["event"] as? String == "step" }
        let done = steps.filter { $0["state"] as? String == "done" }
        for step in planned {
            let match = done.first {
                $0["kind"] as? String == step["kind"] as? String
                    && $0["description"] as? String == step["description"] as? String
            }
            #expect(match != nil, "no done event for planned step \(step)")
        }
        #expect(done.count == planned.count)
        for end in done {
            let duration = try #require(end["duration"] as? Double, "\(end)")
            #expect(duration >= 0)
            #expect(end["started"] is String && end["time"] is String && end["cause"] is String)
            let id = end["id"] as? Int
            #expect(steps.contains { $0["id"] as? Int == id && $0["state"] as? String == "started" })
        }
        #expect(
            done.contains {
                $0["kind"] as? String == "create" && $0["containers"] as? [String] == ["\(environment)-web-2"]
            })
        let summary = try #require(events.last)
        #expect(summary["event"] as? String == "summary")
        #expect(summary["state"] as? String == "done")
        #expect(summary["steps"] as? Int == done.count)
        #expect(summary["environment"] as? String == environment)

        // A release whose new version is never healthy: its failure, its undo and its rollback are events too.
        try stack(health: Self.sick).write(toFile: file, atomically: true, encoding: .utf8)
        let release = try twip(["up", "--timeout", "60", "--format", "json"], file: file)
        #expect(release.status == 1)
        #expect(release.error.contains("rolled back"))
        let failed = try self.events(release.output)
        let failedSteps = failed.filter { $0["event"] as? String == "step" }
        #expect(
            failedSteps.contains { $0["kind"] as? String == "waitUntilReady" && $0["state"] as? String == "failed" })
        let undo = failedSteps.filter {
            $0["cause"] as? String == "rolling back the release" && $0["state"] as? String == "done"
        }
        #expect(undo.contains { $0["kind"] as? String == "removeIfPresent" })
        #expect(undo.contains { $0["kind"] as? String == "start" })
        #expect(
            failedSteps.contains {
                $0["kind"] as? String == "release" && $0["state"] as? String == "rolled-back"
                    && $0["service"] as? String == "web" && $0["duration"] is Double
            })
        let error = try #require(failed.first { $0["event"] as? String == "error" })
        #expect(error["exitCode"] as? Int == 1)
        #expect((error["message"] as? String)?.contains("cannot reach the journal") == true)
        let last = try #require(failed.last)
        #expect(last["event"] as? String == "summary")
        #expect(last["state"] as? String == "rolled-back")
        #expect(last["rolledBack"] as? [String] == ["web"])

        // Down, as events as well.
        let down = try twip(["down", "--format", "json"], file: file)
        #expect(down.status == 0, "\(down.error)")
        let removed = try self.events(down.output).filter {
            $0["kind"] as? String == "remove" && $0["state"] as? String == "done"
        }
        #expect(removed.count == 2)
    }
}
