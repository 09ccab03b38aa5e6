import DockerEngine
import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// Images `up` builds when they are missing, with the release labels, and what `pack` reports of them.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct ReleaseBuildEngineTests {
    let environment = "trel\(UInt16.random(in: 1000...65000))"

    /// A git work tree with one committed Dockerfile starting from the test's busybox image.
    func repository() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twiptest-rel-\(UUID().uuidString)"
        )
        .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "FROM \(EngineTestSupport.image)\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
            .write(toFile: directory + "/Dockerfile", atomically: true, encoding: .utf8)
        for arguments in [
            ["init", "-q"], ["add", "Dockerfile"],
            ["-c", "user.name=twip", "-c", "user.email=twip@localhost", "commit", "-q", "-m", "image"],
        ] {
            #expect(try git(directory, arguments).status == 0, "git \(arguments)")
        }
        return directory
    }

    func git(_ directory: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", directory] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, output)
    }

    func deployment(_ client: DockerClient, directory: String) -> Environment {
        let web = Service(name: "web", build: Build(context: directory), deploy: Deploy(replicas: 1))
        let stack = Stack(
            name: environment, filePath: directory + "/\(environment).yml", directory: directory, services: [web])
        return Environment(
            session: EngineSession(client: client), stack: stack, name: environment, proxies: [],
            processEnvironment: [:])
    }

    func cleanUp(_ client: DockerClient, _ deployment: Environment, _ directory: String, images: [String]) async {
        try? await deployment.down(volumes: true)
        for image in images { _ = try? await client.removeImage(image, force: true) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func upBuildsAMissingImageThatCarriesTheReleaseLabels() async throws {
        try await EngineTestSupport.withEngine { client in
            let directory = try repository()
            let deployment = deployment(client, directory: directory)
            let image = EnvironmentNames(environment: environment).image(service: "web")
            let started = Date().addingTimeInterval(-2)
            do {
                try await deployment.up(timeout: .seconds(60), build: .missing)
                let labels = try await client.inspectImage(image).labels
                let commit = try git(directory, ["rev-parse", "HEAD"]).output
                #expect(labels["org.opencontainers.image.revision"] == commit)
                #expect(labels["org.opencontainers.image.version"] == String(commit.prefix(7)))
                #expect(labels["org.opencontainers.image.source"] == URL(fileURLWithPath: directory).absoluteString)
                let created = try #require(labels["org.opencontainers.image.created"])
                let date = try #require(ISO8601DateFormatter().date(from: created), "not RFC 3339: \(created)")
                #expect(date >= started.addingTimeInterval(-1) && date <= Date().addingTimeInterval(1))
                #expect(try await deployment.ps().map(\.state.isUp) == [true])
            } catch {
                await cleanUp(client, deployment, directory, images: [image])
                throw error
            }
            await cleanUp(client, deployment, directory, images: [image])
        }
    }

    @Test func aChangedTreeMarksTheRevisionDirtyAndPackReportsTheLocalImage() async throws {
        try await EngineTestSupport.withEngine { client in
            let directory = try repository()
            try "changed\n".write(toFile: directory + "/NOTES", atomically: true, encoding: .utf8)
            let deployment = deployment(client, directory: directory)
            let image = EnvironmentNames(environment: environment).image(service: "web")
            let packed = "127.0.0.1:5999/twip-web:\(environment)"
            do {
                let built = try await deployment.build(services: [], noCache: false) { _, _ in }
                let labels = try await client.inspectImage(image).labels
                let commit = try git(directory, ["rev-parse", "HEAD"]).output
                #expect(labels["org.opencontainers.image.revision"] == commit + "-dirty")
                #expect(labels["org.opencontainers.image.version"] == String(commit.prefix(7)) + "-dirty")

                let images = try await deployment.pack(registry: "127.0.0.1:5999", tag: environment, push: false) {
                    _ in
                }
                let report = try #require(images.first)
                #expect(report.reference == packed)
                #expect(report.imageID == built.first?.imageID)
                #expect((report.size ?? 0) > 0)
                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
                #expect(json?["imageID"] as? String == report.imageID)
                #expect(json?["size"] as? Int64 == report.size)
            } catch {
                await cleanUp(client, deployment, directory, images: [image, packed])
                throw error
            }
            await cleanUp(client, deployment, directory, images: [image, packed])
        }
    }

    @Test func upWithoutBuildingRefusesAMissingImage() async throws {
        try await EngineTestSupport.withEngine { client in
            let directory = try repository()
            let deployment = deployment(client, directory: directory)
            await #expect {
                try await deployment.up(timeout: .seconds(30), build: .never)
            } throws: { error in
                guard case .imageMissing(let service, _, let hint) = error as? DeploymentError else { return false }
                return service == "web" && hint.contains("build")
            }
            await cleanUp(client, deployment, directory, images: [])
        }
    }
}

@Suite struct BaseImageReferenceTests {
    @Test(
        arguments: [
            ("ARG NGINX_BASE=twip/nginx:bookworm\nFROM ${NGINX_BASE}\n", [:], ["twip/nginx:bookworm"]),
            (
                "ARG JDK_BASE=twip/jdk:bookworm\nARG JETTY_BASE=twip/jetty:bookworm\nFROM $JDK_BASE AS build\n"
                    + "FROM ${JETTY_BASE}\n", [:], ["twip/jdk:bookworm", "twip/jetty:bookworm"]
            ),
            ("ARG NGINX_BASE=twip/nginx:bookworm\nFROM ${NGINX_BASE}\n", ["NGINX_BASE": "nginx:1.25"], []),
            ("FROM --platform=linux/amd64 twip/haproxy:latest\n", [:], ["twip/haproxy:latest"]),
            ("FROM busybox\nFROM twip/unknown:1\n", [:], []),
        ] as [(String, [String: String], [String])])
    func twipBaseImagesAreFoundThroughArgDefaultsAndBuildArgs(
        dockerfile: String, args: [String: String], expected: [String]
    ) {
        #expect(BaseImageReference.named(inDockerfile: dockerfile, args: args).map(\.reference) == expected)
    }
}
