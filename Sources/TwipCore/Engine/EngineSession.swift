public import DockerEngine
public import Foundation

/// A connection to the engine an operation works on: the one place where a client is opened, checked and closed.
public struct EngineSession: Sendable {
    let client: DockerClient

    /// Where the engine is, as the operator named it (`unix:///var/run/docker.sock`, `tcp://host:2376`).
    public var host: String { String(describing: client.host) }

    init(client: DockerClient) {
        self.client = client
    }

    /// The engine named by `DOCKER_HOST` (or the default socket) in `environment`; a malformed value is a usage
    /// error, found before any engine call.
    static func client(environment: [String: String]) throws -> DockerClient {
        do {
            return DockerClient(host: try DockerHost(environment: environment))
        } catch {
            throw UsageFailure(String(describing: error))
        }
    }

    /// Opens a session, checks the engine answers (`ping`), runs `body`, and always closes the client.
    public static func with<T: Sendable>(
        environment: [String: String] = ProcessInfo.processInfo.environment, ping: Bool = true,
        _ body: (EngineSession) async throws -> T
    ) async throws -> T {
        let client = try client(environment: environment)
        do {
            if ping { try await checkAnswers(client) }
            let result = try await body(EngineSession(client: client))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Prepares the process for a command line: one event-loop thread (see `DockerClient.useOneEventLoop`).
    public static func prepareCommandLineProcess() {
        DockerClient.useOneEventLoop()
    }

    /// How long the engine gets to answer `/_ping` before it counts as unreachable.
    static let pingDeadline: Duration = .seconds(10)

    /// Pings the engine; one that accepts the connection but does not answer in time is unreachable (exit 3).
    static func checkAnswers(_ client: DockerClient) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await client.ping()
                return true
            }
            group.addTask {
                try await Task.sleep(for: pingDeadline)
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            if !answered {
                throw EngineUnreachable(
                    host: client.host, reason: .other("it did not answer within \(pingDeadline.components.seconds) s"))
            }
        }
    }

    /// The engine's version and API version, e.g. `Docker Engine 20.10.24 (API 1.41)`.
    public func versionText() async throws -> String {
        let version = try await client.version()
        return "Docker Engine \(version.version) (API \(version.apiVersion))"
    }
}
