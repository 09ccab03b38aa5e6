import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@testable import TwipCore

/// Imports a tiny root filesystem (static busybox, a file owned by 999) through the same path `twip base` uses.
/// Runs whenever an engine answers, and always under CI=true, where a missing engine, busybox or root fails it.
@Suite(.enabled(if: EngineTestSupport.shouldRun))
struct BaseImageImportTests {
    @Test func importedRootIsFoundByItsBaseLabelAndKeepsOwners() async throws {
        try #require(FileManager.default.fileExists(atPath: "/bin/busybox"), "apt-get install -y busybox-static")
        try #require(geteuid() == 0, "importing a root filesystem with its owners needs root")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-base-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
        try FileManager.default.createSymbolicLink(
            atPath: bin.appendingPathComponent("sh").path, withDestinationPath: "busybox")
        let home = root.appendingPathComponent("home/jetty")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        #expect(chown(home.path, 999, 999) == 0)

        let engine = try DockerClient()
        let repository = "twiptest-base-import"
        let label = "twiptest-\(UUID().uuidString.prefix(8))"
        let config = BaseImageConfig(path: "/bin", environment: ["TWIP_TEST=1"], workingDirectory: "/home/jetty")
        var containerID: String?
        do {
            let (id, size) = try await engine.importRoot(
                root, repository: repository, tag: "test", changes: config.changes(baseLabel: label))
            #expect(size > 500_000)
            #expect(try await engine.baseLabel(of: "\(repository):test") == label)
            #expect(try await engine.baseLabel(of: "\(repository):missing") == nil)

            let found = try await engine.listImages(filters: .labels(["\(BaseImageRecipe.label)=\(label)"]))
            #expect(found.map(\.id) == [id])
            let inspected = try await engine.inspectImage(id)
            #expect(inspected.config?.env?.contains("TWIP_TEST=1") == true)
            #expect(inspected.config?.workingDir == "/home/jetty")

            var container = ContainerConfig(image: id)
            container.cmd = ["sh", "-c", "busybox stat -c %u:%g /home/jetty"]
            let created = try await engine.createContainer(name: "twiptest-base-import-\(label)", config: container)
            containerID = created.id
            try await engine.startContainer(created.id)
            _ = try await engine.waitContainer(created.id)
            let output = try await engine.logs(created.id).collect()
            #expect(String(decoding: output.stdout, as: UTF8.self) == "999:999\n")
        } catch {
            Issue.record("import failed: \(error)")
        }
        if let containerID { try? await engine.removeContainer(containerID, force: true) }
        _ = try? await engine.removeImage("\(repository):test", force: true)
        try? await engine.shutdown()
    }
}
