public import DockerEngine
import Foundation
import Testing

/// A one-node swarm on the test engine for the tests that need one: made when the engine is in none, and left (with
/// force) once the last test using it is done, so the engine ends as the tests found it. An engine that already
/// manages a swarm is used as it is and left alone.
public actor OneNodeSwarm {
    /// The one fixture of the test process: suites of every test target share it.
    public static let shared = OneNodeSwarm()

    private var users = 0
    private var ready: Task<Bool, any Error>?
    /// Whether the engine had the bridge a swarm creates for its tasks' outside traffic before the tests made one.
    private var hadGatewayBridge = true
    private var leaving: Task<Void, Never>?

    /// Runs `body` with the engine a swarm manager.
    public static func with(_ client: DockerClient, _ body: () async throws -> Void) async throws {
        try await shared.acquire(client)
        do {
            try await body()
        } catch {
            await shared.release(client)
            throw error
        }
        await shared.release(client)
    }

    private func acquire(_ client: DockerClient) async throws {
        await leaving?.value
        users += 1
        if ready == nil {
            ready = Task {
                let state = try await client.localSwarmState()
                if state.isActive {
                    #expect(state.isManager, "the test engine is a swarm worker; swarm tests need a manager")
                    return false
                }
                let bridges = try await client.listNetworks(filters: ["name": [Self.gatewayBridge]])
                await self.noteGatewayBridge(bridges.contains { $0.name == Self.gatewayBridge })
                try await client.initSwarm(SwarmInitRequest(listenAddr: "127.0.0.1:2377", advertiseAddr: "127.0.0.1"))
                return true
            }
        }
        do {
            _ = try await ready?.value
        } catch {
            users -= 1
            if users == 0 { ready = nil }
            throw error
        }
    }

    /// The bridge network a swarm creates on each node for its tasks' traffic to the outside.
    static let gatewayBridge = "docker_gwbridge"

    private func noteGatewayBridge(_ present: Bool) { hadGatewayBridge = present }

    private func release(_ client: DockerClient) async {
        users -= 1
        guard users == 0, let ready else { return }
        self.ready = nil
        let created = (try? await ready.value) ?? false
        guard created else { return }
        // A fresh client: the caller's may be shut down as soon as this returns.
        let removeBridge = !hadGatewayBridge
        let leave = Task {
            let own = DockerClient(host: client.host)
            try? await own.leaveSwarm(force: true)
            // Leaving keeps the bridge the swarm made; the engine ends as the tests found it.
            if removeBridge { try? await own.removeNetwork(Self.gatewayBridge) }
            try? await own.shutdown()
        }
        leaving = leave
        await leave.value
        leaving = nil
    }
}
