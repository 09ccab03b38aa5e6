import DockerEngine
import Foundation
import Testing

/// Decides whether engine tests run and gives them a client; under CI=true an unreachable engine fails the test.
enum EngineTestSupport {
    /// True when CI=true is set in the environment.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// True when the engine answers /_ping (checked once).
    static let engineAnswers: Bool = {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Task.detached {
            let client = DockerClient(
                host: (try? DockerHost(environment: ProcessInfo.processInfo.environment)) ?? .default)
            box.value = (try? await client.ping()) != nil
            try? await client.shutdown()
            semaphore.signal()
        }
        semaphore.wait()
        return box.value
    }()

    /// Engine tests run when the engine answers, and always under CI (where they then fail loudly).
    static var shouldRun: Bool { engineAnswers || isCI }

    /// Runs `body` with a fresh client, failing (never skipping) when the engine cannot be reached.
    static func withClient(_ body: (DockerClient) async throws -> Void) async throws {
        let client = try DockerClient()
        do {
            _ = try await client.ping()
        } catch {
            try? await client.shutdown()
            Issue.record("Docker engine unreachable for engine tests: \(error)")
            throw error
        }
        do {
            try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// A name unique to this test run, prefixed for this module's objects.
    static func uniqueName(_ base: String) -> String {
        "twiptest-engine-\(base)-\(UInt32.random(in: 0...UInt32.max))"
    }

    final class ResultBox: @unchecked Sendable {
        var value = false
    }
}
