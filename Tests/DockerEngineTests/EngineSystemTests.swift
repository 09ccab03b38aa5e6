import DockerEngine
import EngineTestSupport
import Testing

@Suite(.enabled(if: EngineTestSupport.shouldRun, "needs a Docker engine (or CI=true to fail without one)"))
struct EngineSystemTests {
    @Test func pingNegotiatesAnAPIVersionNoNewerThanTheMaximum() async throws {
        try await EngineTestSupport.withClient { client in
            let ping = try await client.ping()
            #expect(ping.apiVersion != nil)
            let version = try await client.apiVersion()
            #expect(version <= DockerClient.maximumAPIVersion)
            let engine = try await client.version()
            #expect(!engine.version.isEmpty)
            let info = try await client.info()
            #expect(info.serverVersion == engine.version)
        }
    }

    @Test func inspectingAMissingContainerIsNotFoundWithTheEnginesMessage() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("missing")
            let error = await #expect(throws: EngineError.self) { try await client.inspectContainer(name) }
            #expect(error?.isNotFound == true)
            #expect(error?.description.hasPrefix("inspect container \(name): 404 Not Found: ") == true)
            #expect(error?.message.contains(name) == true)
        }
    }

    @Test func networksAreCreatedListedByLabelAndRemoved() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("net")
            let label = "io.twip.test.engine=\(name)"
            let id = try await client.createNetwork(NetworkConfig(name: name, labels: ["io.twip.test.engine": name]))
            do {
                let listed = try await client.listNetworks(filters: .labels([label]))
                #expect(listed.map(\.id) == [id])
                let inspected = try await client.inspectNetwork(name)
                #expect(inspected.labels?["io.twip.test.engine"] == name)
                let duplicate = await #expect(throws: EngineError.self) {
                    try await client.createNetwork(NetworkConfig(name: name))
                }
                #expect(duplicate?.isConflict == true)
            } catch {
                try? await client.removeNetwork(id)
                throw error
            }
            try await client.removeNetwork(id)
            let gone = await #expect(throws: EngineError.self) { try await client.inspectNetwork(name) }
            #expect(gone?.isNotFound == true)
        }
    }
}

@Suite struct UnreachableEngineTests {
    @Test func aMissingSocketIsReportedAsUnreachableNamingThePath() async throws {
        let client = DockerClient(host: .unix(path: "/tmp/twiptest-engine-no-such.sock"))
        let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
        #expect(error?.reason == .noSuchSocket)
        #expect(error?.description.contains("/tmp/twiptest-engine-no-such.sock") == true)
        #expect(error?.description.hasSuffix("start it with `twip setup`") == true)
        try await client.shutdown()
    }

    @Test func aRefusedTCPConnectionIsReportedAsUnreachable() async throws {
        let client = DockerClient(host: .tcp(host: "127.0.0.1", port: 1))
        let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
        #expect(error?.reason == .connectionRefused)
        try await client.shutdown()
    }
}
