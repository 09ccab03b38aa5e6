import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@testable import TwipCore

/// A one-node lab on the real engine: up, status, an unknown node, kill and start, and down leaving no lab object.
/// The lab is named `labtest-engine-N`, its API on 127.0.0.1:19091, its edge on 127.0.0.1:19092, its context in a
/// temporary Docker config folder.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct LabEngineTests {
    @Test func aMissingLabIsReportedAndItsDownRemovesNothing() async throws {
        try await EngineTestSupport.withClient { client in
            let session = EngineSession(client: client)
            let name = "labtest-none-\(UInt16.random(in: 1000...65000))"
            await #expect(throws: OperationFailure.self) { try await session.labStatus(name) }
            await #expect(throws: OperationFailure.self) { try await session.labKill(name, node: "\(name)-1") }
            let removed = try await session.labDown(name, environment: ["DOCKER_CONFIG": "/nonexistent"]) { _ in }
            #expect(removed.isEmpty)
        }
    }

    @Test func aOneNodeLabComesUpSurvivesKillAndStartAndGoesDownWithoutATrace() async throws {
        try await EngineTestSupport.withClient { client in
            for image in [LabBlueprint.nodeImage, LabBlueprint.registryImage, LabBlueprint.edgeImage] {
                guard (try? await client.inspectImage(image)) != nil else {
                    Issue.record("\(image) is missing: `twip base --only dind registry haproxy` builds it")
                    return
                }
            }
            let session = EngineSession(client: client)
            let name = "labtest-engine-\(UInt16.random(in: 1000...65000))"
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let environment = ["DOCKER_CONFIG": folder + "/docker"]
            let layout = LabLayout(
                name: name, nodeCount: 1, apiPort: 19091, entryPort: 19092, dataDirectory: folder + "/data")
            do {
                let summary = try await session.labUp(layout, environment: environment) { _ in }
                #expect(summary.nodes == ["\(name)-1"])
                #expect(summary.contextHost == "tcp://127.0.0.1:19091")
                let context = try DockerContextStore(configDirectory: folder + "/docker").context(named: name)
                #expect(context?.host == "tcp://127.0.0.1:19091")

                var status = try await session.labStatus(name)
                #expect(status.nodes.map(\.node) == ["\(name)-1"])
                #expect(status.nodes.first?.state == "ready")
                #expect(status.nodes.first?.role == "leader")
                #expect(status.nodes.first?.tasks == ["\(name)-registry"])
                #expect(status.edge == "running")
                do {
                    try await session.labKill(name, node: "nosuch")
                    Issue.record("an unknown node was accepted")
                } catch let failure as UsageFailure {
                    #expect(failure.message.contains("\(name)-1"))
                }

                try await session.labKill(name, node: "\(name)-1")
                status = try await session.labStatus(name)
                #expect(status.nodes.first?.container == "exited")
                #expect(status.answeredBy == nil)
                try await session.labStart(name, node: "\(name)-1")
                status = try await session.labStatus(name)
                #expect(status.nodes.first?.state == "ready", "the node came back into its swarm")
            } catch {
                _ = try? await session.labDown(name, environment: environment) { _ in }
                throw error
            }
            let removed = try await session.labDown(name, environment: environment) { _ in }
            #expect(removed.contains("container \(name)-1"))
            #expect(removed.contains("context \(name)"))
            let left = try await session.labObjects(name)
            #expect(left.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: layout.labDirectory))
            #expect(FileManager.default.fileExists(atPath: folder + "/data"), "the data folder is never touched")
        }
    }
}
