import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// A busybox image imported from the host's busybox-static, shared by the lifecycle tests.
enum BusyboxImage {
    static let label = "io.twip.test.engine"

    /// Builds a root filesystem holding /bin/busybox and its applet symlinks.
    static func makeRootfs() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            EngineTestSupport.uniqueName("rootfs")
        ).path
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root + "/bin/busybox")
        for applet in ["sh", "echo", "cat", "sleep", "true", "false", "ls", "mkdir", "env", "printf"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/bin/\(applet)", withDestinationPath: "busybox")
        }
        return root
    }

    /// Imports the busybox root filesystem as `repository:latest`, labelled with `label=value`.
    static func importImage(_ client: DockerClient, repository: String, value: String) async throws -> String {
        #expect(FileManager.default.fileExists(atPath: "/bin/busybox"), "apt-get install -y busybox-static")
        let root = try makeRootfs()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stream = try DirectoryArchive(root: root, preserveOwnership: true).stream()
        return try await client.importImage(
            stream.body, repository: repository, tag: "latest",
            changes: ["LABEL \(label)=\(value)", "CMD [\"sh\"]", "ENV PATH=/bin"])
    }
}

@Suite(.enabled(if: EngineTestSupport.shouldRun, "needs a Docker engine (or CI=true to fail without one)"))
struct EngineLifecycleTests {
    @Test func anImportedImageRunsAContainerThroughItsWholeLifecycle() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("life")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            var containerID: String?
            var networkID: String?
            do {
                let images = try await client.listImages(filters: .labels(["\(BusyboxImage.label)=\(name)"]))
                #expect(images.map(\.id) == [imageID])

                var config = ContainerConfig(image: "\(name):latest")
                config.cmd = ["sh", "-c", "echo out-line; echo err-line >&2; exec sleep 300"]
                config.labels = [BusyboxImage.label: name]
                config.stopSignal = "SIGKILL"
                config.hostConfig = HostConfig()
                config.hostConfig?.initProcess = true
                config.exposedPorts = ["8080/tcp": EmptyObject()]
                config.hostConfig?.portBindings = ["8080/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "")]]
                config.healthcheck = HealthConfig(
                    test: ["CMD-SHELL", "echo probe-ok"], interval: 200_000_000, timeout: 10_000_000_000, retries: 3)
                let created = try await client.createContainer(name: name, config: config)
                containerID = created.id
                let duplicate = await #expect(throws: EngineError.self) {
                    try await client.createContainer(name: name, config: config)
                }
                #expect(duplicate?.isConflict == true)
                #expect(duplicate?.description.hasPrefix("create container \(name): 409 Conflict: ") == true)

                try await client.startContainer(created.id)
                let inspected = try await client.inspectContainer(name)
                #expect(inspected.id == created.id)
                #expect(inspected.state?.running == true)
                #expect(inspected.config?.labels?[BusyboxImage.label] == name)
                let published = inspected.networkSettings?.ports?["8080/tcp"]??.first
                #expect(published?.hostIP == "127.0.0.1")
                #expect(Int(published?.hostPort ?? "") ?? 0 > 0)

                let listed = try await client.listContainers(filters: .labels(["\(BusyboxImage.label)=\(name)"]))
                #expect(listed.map(\.id) == [created.id])
                #expect(listed.first?.name == name)
                #expect(listed.first?.ports?.first?.privatePort == 8080)
                #expect(listed.first?.ports?.first?.publicPort.map(String.init) == published?.hostPort)

                // Logs: wait until both lines are written, then read them demultiplexed.
                var output: (stdout: [UInt8], stderr: [UInt8]) = ([], [])
                for _ in 0..<50 {
                    output = try await client.logs(name).collect()
                    if !output.stderr.isEmpty && !output.stdout.isEmpty { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(String(decoding: output.stdout, as: UTF8.self) == "out-line\n")
                #expect(String(decoding: output.stderr, as: UTF8.self) == "err-line\n")

                // put-archive a file, then read it back through exec.
                let archive = TarStream(items: [.file("twip/proxy.cfg", contents: Array("backend web\n".utf8))])
                try await client.putArchive(name, path: "/tmp", archive: archive.body)
                let cat = try await client.exec(name, ExecConfig(cmd: ["cat", "/tmp/twip/proxy.cfg"]))
                #expect(cat.exitCode == 0)
                #expect(cat.output == "backend web\n")
                let failing = try await client.exec(name, ExecConfig(cmd: ["sh", "-c", "echo oops >&2; exit 3"]))
                #expect(failing.exitCode == 3)
                #expect(failing.errorOutput == "oops\n")

                // Networks: connect with an alias, see it in inspect, disconnect.
                let networkName = EngineTestSupport.uniqueName("lifenet")
                networkID = try await client.createNetwork(
                    NetworkConfig(name: networkName, labels: [BusyboxImage.label: name]))
                try await client.connectNetwork(networkName, container: name, aliases: ["web-alias"])
                let connected = try await client.inspectContainer(name)
                #expect(connected.networkSettings?.networks?[networkName]?.aliases?.contains("web-alias") == true)
                #expect(connected.networkSettings?.networks?[networkName]?.ipAddress?.isEmpty == false)
                try await client.disconnectNetwork(networkName, container: name, force: true)
                let disconnected = try await client.inspectContainer(name)
                #expect(disconnected.networkSettings?.networks?[networkName] == nil)

                // Health: the probe runs every 200ms; wait until the engine calls the container healthy.
                var health: Health?
                for _ in 0..<50 {
                    health = try await client.inspectContainer(name).state?.health
                    if health?.status == "healthy" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(health?.status == "healthy")
                // On a busy machine a later probe may still be running or slow: the one that made it healthy passed.
                let passed = health?.log?.first { $0.exitCode == 0 }
                #expect(passed?.output == "probe-ok\n")

                try await client.restartContainer(name, timeout: 1)
                #expect(try await client.inspectContainer(name).state?.running == true)

                try await client.stopContainer(name, timeout: 1)
                let stopped = try await client.inspectContainer(name)
                #expect(stopped.state?.running == false)
                #expect(stopped.state?.status == "exited")
            } catch {
                Issue.record(error)
            }
            if let containerID { try await client.removeContainer(containerID, force: true) }
            if let networkID { try await client.removeNetwork(networkID) }
            try await client.removeImage(imageID, force: true)
            let gone = await #expect(throws: EngineError.self) { try await client.inspectImage(imageID) }
            #expect(gone?.isNotFound == true)
        }
    }

    @Test func buildsFromATarContextAndFailsWithTheFailingStepsMessage() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("build")
            let baseID = try await BusyboxImage.importImage(client, repository: name + "-base", value: name)
            let context = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            defer { try? FileManager.default.removeItem(atPath: context) }
            var built: [String] = []
            do {
                try FileManager.default.createDirectory(atPath: context + "/ignored", withIntermediateDirectories: true)
                try Data("FROM \(name)-base:latest\nCOPY . /ctx\nRUN ls -a /ctx > /listing\n".utf8).write(
                    to: URL(fileURLWithPath: context + "/Dockerfile"))
                try Data("hello\n".utf8).write(to: URL(fileURLWithPath: context + "/kept.txt"))
                try Data("secret\n".utf8).write(to: URL(fileURLWithPath: context + "/ignored/secret.txt"))
                try Data("x\n".utf8).write(to: URL(fileURLWithPath: context + "/drop.tmp"))
                try Data("y\n".utf8).write(to: URL(fileURLWithPath: context + "/keep.tmp"))
                try Data("ignored\n*.tmp\n!keep.tmp\n".utf8).write(to: URL(fileURLWithPath: context + "/.dockerignore"))

                let messages = MessageLog()
                let id = try await client.buildImage(
                    context: try BuildContext(directory: context).stream().body,
                    options: BuildOptions(tags: ["\(name):latest"], labels: [BusyboxImage.label: name]),
                    onMessage: { messages.append($0) })
                built.append(id)
                #expect(messages.text.contains("Step 1/"))
                let image = try await client.inspectImage("\(name):latest")
                #expect(image.id == id)
                #expect(image.labels[BusyboxImage.label] == name)

                var config = ContainerConfig(image: id)
                config.cmd = ["cat", "/listing"]
                let container = try await client.createContainer(name: nil, config: config)
                try await client.startContainer(container.id)
                _ = try await client.waitContainer(container.id)
                let listing = try await client.logs(container.id).collect()
                try await client.removeContainer(container.id, force: true)
                let names = String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
                #expect(names.contains("kept.txt"))
                #expect(names.contains("Dockerfile"))
                #expect(names.contains(".dockerignore"))
                #expect(names.contains("keep.tmp"))
                #expect(!names.contains("drop.tmp"))
                #expect(!names.contains("ignored"))

                // Rebuilding the tag with other content leaves the first image dangling; a labelled prune removes it.
                try Data("changed\n".utf8).write(to: URL(fileURLWithPath: context + "/kept.txt"))
                let rebuilt = try await client.buildImage(
                    context: try BuildContext(directory: context).stream().body,
                    options: BuildOptions(tags: ["\(name):latest"], labels: [BusyboxImage.label: name]))
                built.append(rebuilt)
                #expect(rebuilt != id)
                let pruned = try await client.pruneImages(filters: [
                    "dangling": ["true"], "label": ["\(BusyboxImage.label)=\(name)"],
                ])
                #expect(pruned.imagesDeleted?.contains { $0.deleted == id } == true)
                #expect(pruned.spaceReclaimed >= 0)
                #expect(try await client.inspectImage(rebuilt).id == rebuilt)

                try Data("FROM \(name)-base:latest\nRUN echo about to fail && false\n".utf8).write(
                    to: URL(fileURLWithPath: context + "/Dockerfile"))
                let failureLog = MessageLog()
                let failure = await #expect(throws: EngineError.self) {
                    try await client.buildImage(
                        context: try BuildContext(directory: context).stream().body,
                        options: BuildOptions(tags: ["\(name)-broken:latest"], labels: [BusyboxImage.label: name]),
                        onMessage: { failureLog.append($0) })
                }
                #expect(failure?.message.contains("returned a non-zero code: 1") == true)
                #expect(failure?.description.hasPrefix("build \(name)-broken:latest: ") == true)
                #expect(failureLog.text.contains("about to fail"))
            } catch {
                Issue.record(error)
            }
            for id in built { _ = try? await client.removeImage(id, force: true) }
            try await client.removeImage(baseID, force: true)
            _ = try await client.pruneImages(filters: [
                "dangling": ["true"], "label": ["\(BusyboxImage.label)=\(name)"],
            ])
        }
    }
}

/// Collects progress messages from a `@Sendable` callback.
final class MessageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [StreamMessage] = []

    func append(_ message: StreamMessage) { lock.withLock { messages.append(message) } }

    var text: String { lock.withLock { messages.compactMap { $0.stream ?? $0.status }.joined() } }
}
