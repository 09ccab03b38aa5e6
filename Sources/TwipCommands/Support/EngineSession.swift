import DockerEngine
import Foundation

/// Opens a client for the engine named by `DOCKER_HOST` (or the default socket), checks it answers, runs `body`,
/// and always shuts the client down.
func withEngine<T: Sendable>(_ body: (DockerClient) async throws -> T) async throws -> T {
    let host: DockerHost
    do {
        host = try DockerHost(environment: ProcessInfo.processInfo.environment)
    } catch {
        throw UsageError(String(describing: error))
    }
    let client = DockerClient(host: host)
    do {
        _ = try await client.ping()
        let result = try await body(client)
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
