import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite(.enabled(if: EngineTestSupport.shouldRun, "needs a Docker engine (or CI=true to fail without one)"))
struct EngineStreamTests {
    @Test func eventsAndFollowedLogsStreamUntilTheirTaskIsCancelled() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("stream")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            var containerID: String?
            do {
                let since = Int(Date().timeIntervalSince1970) - 1
                let events = try await client.events(
                    filters: ["type": ["container"], "label": ["\(BusyboxImage.label)=\(name)"]], since: since)
                var config = ContainerConfig(image: "\(name):latest")
                config.cmd = ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"]
                config.labels = [BusyboxImage.label: name]
                let created = try await client.createContainer(name: name, config: config)
                containerID = created.id
                try await client.startContainer(created.id)

                var actions: [String] = []
                for try await event in events {
                    #expect(event.actor?.id == created.id)
                    if let action = event.action { actions.append(action) }
                    if actions.contains("start") { break }
                }
                #expect(actions.prefix(2) == ["create", "start"])

                // A followed log never ends by itself; cancelling the reading task must stop it.
                let follower = Task {
                    var lines = 0
                    for try await frame in try await client.logs(name, options: LogOptions(follow: true)) {
                        lines += frame.text.split(separator: "\n").count
                    }
                    return lines
                }
                try await Task.sleep(for: .seconds(1))
                let cancelledAt = ContinuousClock.now
                follower.cancel()
                let result = await follower.result
                #expect(ContinuousClock.now - cancelledAt < .seconds(3))
                if case .success(let lines) = result { #expect(lines > 0) }

                let tail = try await client.logs(name, options: LogOptions(tail: 1)).collect()
                #expect(String(decoding: tail.stdout, as: UTF8.self).hasPrefix("tick "))
                try await client.killContainer(name)
                let waited = try await client.waitContainer(name)
                #expect(waited.statusCode == 137)
            } catch {
                Issue.record(error)
            }
            if let containerID { try await client.removeContainer(containerID, force: true) }
            try await client.removeImage(imageID, force: true)
        }
    }

    @Test func aTTYContainersLogsAreReadAsRawOutput() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("tty")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            do {
                var config = ContainerConfig(image: "\(name):latest")
                config.cmd = ["sh", "-c", "echo on-a-tty; echo also >&2"]
                config.tty = true
                let created = try await client.createContainer(name: name, config: config)
                try await client.startContainer(created.id)
                #expect(try await client.waitContainer(created.id).statusCode == 0)
                let output = try await client.logs(created.id).collect()
                #expect(String(decoding: output.stdout, as: UTF8.self) == "on-a-tty\r\nalso\r\n")
                #expect(output.stderr.isEmpty)
            } catch {
                Issue.record(error)
            }
            try? await client.removeContainer(name, force: true)
            try await client.removeImage(imageID, force: true)
        }
    }

    @Test func cancellingTheTaskStopsARunningBuild() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("cancel")
            let baseID = try await BusyboxImage.importImage(client, repository: name + "-base", value: name)
            let context = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            defer { try? FileManager.default.removeItem(atPath: context) }
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try Data("FROM \(name)-base:latest\nRUN echo started && sleep 60\n".utf8).write(
                to: URL(fileURLWithPath: context + "/Dockerfile"))
            let log = MessageLog()
            let build = Task {
                try await client.buildImage(
                    context: try BuildContext(directory: context).stream().body,
                    options: BuildOptions(tags: ["\(name):latest"], labels: [BusyboxImage.label: name]),
                    onMessage: { log.append($0) })
            }
            for _ in 0..<100 where !log.text.contains("started") { try await Task.sleep(for: .milliseconds(100)) }
            #expect(log.text.contains("started"))
            let cancelledAt = ContinuousClock.now
            build.cancel()
            let result = await build.result
            #expect(ContinuousClock.now - cancelledAt < .seconds(5))
            #expect(throws: (any Error).self) { try result.get() }
            // The engine removes the build's container once the connection closes (forcerm); on a busy machine
            // that takes a while (the step's process is stopped first).
            var leftovers: [ContainerSummary] = []
            for _ in 0..<150 {
                leftovers = try await client.listContainers(all: true, filters: ["ancestor": [baseID]])
                if leftovers.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(leftovers.isEmpty)
            _ = try? await client.removeImage("\(name):latest", force: true)
            // Cleanup only: whatever still uses the base image goes first.
            for _ in 0..<30 {
                for leftover in try await client.listContainers(all: true, filters: ["ancestor": [baseID]]) {
                    try? await client.removeContainer(leftover.id, force: true)
                }
                do {
                    try await client.removeImage(baseID, force: true)
                    break
                } catch let error as EngineError where error.status == 409 {
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
        }
    }

    @Test func manyOpenStreamsDoNotBlockOtherRequests() async throws {
        try await EngineTestSupport.withClient { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    let events = try await client.events(filters: ["label": [EngineTestSupport.uniqueName("none")]])
                    group.addTask { for try await _ in events {} }
                }
                let started = ContinuousClock.now
                _ = try await client.version()
                #expect(ContinuousClock.now - started < .seconds(2))
                group.cancelAll()
            }
        }
    }

    @Test func volumesAreCreatedListedByLabelAndRemoved() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("vol")
            let volume = try await client.createVolume(name: name, labels: [BusyboxImage.label: name])
            #expect(volume.name == name)
            let listed = try await client.listVolumes(filters: .labels(["\(BusyboxImage.label)=\(name)"]))
            #expect(listed.map(\.name) == [name])
            try await client.removeVolume(name)
            #expect(try await client.listVolumes(filters: .labels(["\(BusyboxImage.label)=\(name)"])).isEmpty)
        }
    }

    @Test func imagesAreTaggedAndRemovedByTag() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("tag")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            do {
                try await client.tagImage(imageID, repository: "\(name)-copy", tag: "v1")
                let tagged = try await client.inspectImage("\(name)-copy:v1")
                #expect(tagged.id == imageID)
                #expect(Set(tagged.repoTags ?? []) == ["\(name):latest", "\(name)-copy:v1"])
                let removed = try await client.removeImage("\(name)-copy:v1")
                #expect(removed.contains { $0.untagged == "\(name)-copy:v1" })
                #expect(try await client.inspectImage(name).id == imageID)
            } catch {
                Issue.record(error)
            }
            try await client.removeImage(imageID, force: true)
        }
    }
}
