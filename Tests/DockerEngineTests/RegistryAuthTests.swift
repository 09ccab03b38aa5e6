import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite struct RegistryAuthTests {
    @Test(arguments: [
        ("localhost:5000/app", "localhost:5000"),
        ("127.0.0.1:5000/team/app", "127.0.0.1:5000"),
        ("registry.example.com/app", "registry.example.com"),
        ("library/nginx", "https://index.docker.io/v1/"),
        ("nginx", "https://index.docker.io/v1/"),
    ])
    func theRegistryIsReadFromTheRepositoryName(repository: String, registry: String) {
        #expect(RegistryAuth.registry(of: repository) == registry)
    }

    @Test func credentialsAreReadFromTheDockerConfigAuthsEntry() throws {
        let auth = Data("deploy:s3cr:et".utf8).base64EncodedString()
        let config = Array(#"{"auths":{"registry.example.com":{"auth":"\#(auth)"},"other":{}}}"#.utf8)
        let found = try #require(RegistryAuth.fromDockerConfig(registry: "registry.example.com", contents: config))
        #expect(found.username == "deploy")
        #expect(found.password == "s3cr:et")
        #expect(found.serverAddress == "registry.example.com")
        #expect(RegistryAuth.fromDockerConfig(registry: "missing.example.com", contents: config) == nil)
        #expect(RegistryAuth.fromDockerConfig(registry: "x", contents: Array("not json".utf8)) == nil)
    }

    @Test func theHeaderIsBase64URLJSONWithTheEnginesKeys() throws {
        let auth = RegistryAuth(username: "u", password: "p?>", serverAddress: "127.0.0.1:5000")
        let header = auth.headerValue
        #expect(!header.contains("+") && !header.contains("/"))
        let standard = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let decoded = try #require(Data(base64Encoded: standard))
        let object = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: String])
        #expect(object == ["username": "u", "password": "p?>", "serveraddress": "127.0.0.1:5000"])
    }
}

@Suite(.enabled(if: EngineTestSupport.shouldRun, "needs a Docker engine (or CI=true to fail without one)"))
struct EnginePushTests {
    /// Runs the Debian `docker-registry` on a 127.0.0.1 port with throwaway storage, for one test; with `users`,
    /// the registry asks for those (name, password) pairs through htpasswd as Debian's default config does.
    static func withRegistry(users: [(String, String)] = [], _ body: (Int) async throws -> Void) async throws {
        let binary = "/usr/bin/docker-registry"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "apt-get install -y docker-registry")
        let port = try TransportTestSupport.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            EngineTestSupport.uniqueName("registry")
        ).path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = """
            version: 0.1
            storage:
              filesystem:
                rootdirectory: \(directory)/data
            http:
              addr: 127.0.0.1:\(port)
            """
        if !users.isEmpty {
            let htpasswd = try TransportTestSupport.require("htpasswd", package: "apache2-utils")
            for (index, (user, password)) in users.enumerated() {
                try TransportTestSupport.run(
                    htpasswd, (index == 0 ? ["-Bbc"] : ["-Bb"]) + [directory + "/htpasswd", user, password])
            }
            config += """

                auth:
                  htpasswd:
                    realm: twip-test
                    path: \(directory)/htpasswd
                """
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.yml"))
        try await TransportTestSupport.withBackground(
            binary, ["serve", directory + "/config.yml"], log: directory + "/registry.log"
        ) {
            // Any HTTP answer (the registry 404s the engine's /_ping) means it is listening.
            let probe = DockerClient(host: .tcp(host: "127.0.0.1", port: port))
            var ready = false
            for _ in 0..<50 where !ready {
                try await Task.sleep(for: .milliseconds(100))
                do {
                    _ = try await probe.ping()
                    ready = true
                } catch is EngineUnreachable {
                    continue
                } catch {
                    ready = true
                }
            }
            try await probe.shutdown()
            try #require(ready, "registry did not start on 127.0.0.1:\(port)")
            try await body(port)
        }
    }

    @Test func pushingToALocalRegistryReportsTheDigest() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("push")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            do {
                try await Self.withRegistry { port in
                    let repository = "127.0.0.1:\(port)/\(name)"
                    try await client.tagImage(imageID, repository: repository, tag: "v1")
                    let messages = MessageLog()
                    let digest = try await client.pushImage(repository, tag: "v1", onMessage: { messages.append($0) })
                    #expect(digest?.hasPrefix("sha256:") == true)
                    #expect(messages.text.contains("Pushed") || messages.text.contains("Layer already exists"))
                    // The registry, asked through the engine, names the same manifest; a tag it lacks is not found.
                    #expect(try await client.distributionDescriptor("\(repository):v1").digest == digest)
                    let unknown = await #expect(throws: EngineError.self) {
                        try await client.distributionDescriptor("\(repository):v2")
                    }
                    #expect(unknown?.isNotFound == true, "\(String(describing: unknown))")
                    try await client.removeImage("\(repository):v1")

                    let missing = await #expect(throws: EngineError.self) {
                        try await client.pushImage("127.0.0.1:\(port)/\(name)-absent", tag: "v1")
                    }
                    #expect(missing != nil)
                }
            } catch {
                Issue.record(error)
            }
            try await client.removeImage(imageID, force: true)
        }
    }
}
