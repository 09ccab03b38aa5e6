import Foundation
import EngineTestSupport
import Testing

@testable import DockerEngine

/// An sshd on a free 127.0.0.1 port with a host key and an authorized user key made for the test, letting root
/// in with that key only; the remote side of `docker system dial-stdio` is this machine's docker CLI.
struct SSHServer {
    let port: Int
    let directory: String

    static let programs = ["sshd", "ssh", "ssh-keygen", "docker"]

    /// `TWIP_SSH_OPTS` that log in with `key` and trust the test's throwaway host key.
    func options(key: String = "user_key") -> String {
        "-i \(directory)/\(key) -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no "
            + "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
    }

    static func with(_ body: (SSHServer) async throws -> Void) async throws {
        let sshd = try TransportTestSupport.require("sshd", package: "openssh-server")
        let keygen = try TransportTestSupport.require("ssh-keygen", package: "openssh-client")
        _ = try TransportTestSupport.require("ssh", package: "openssh-client")
        _ = try TransportTestSupport.require("docker", package: "docker.io")
        let directory = try TransportTestSupport.scratch("sshd")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for key in ["host_key", "user_key", "stranger_key"] {
            try TransportTestSupport.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/\(key)"])
        }
        try FileManager.default.copyItem(atPath: directory + "/user_key.pub", toPath: directory + "/authorized_keys")
        let config = """
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_key
            AuthorizedKeysFile \(directory)/authorized_keys
            PidFile \(directory)/sshd.pid
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password

            """
        try TransportTestSupport.write(config, to: directory + "/sshd_config")
        // sshd refuses to start without its privilege separation directory.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try TransportTestSupport.freePort()
        try await TransportTestSupport.withBackground(
            sshd, ["-D", "-e", "-f", directory + "/sshd_config", "-p", String(port)], log: directory + "/sshd.log"
        ) {
            try await TransportTestSupport.waitForListener(port: port)
            try await body(SSHServer(port: port, directory: directory))
        }
    }
}

@Suite(
    .enabled(
        if: TransportTestSupport.shouldRun(needing: SSHServer.programs),
        "needs a Docker engine, openssh-server and docker.io's CLI (or CI=true to fail without them)"))
struct EngineSSHTests {
    @Test func anSSHHostIsReachedThroughDockerSystemDialStdio() async throws {
        try await SSHServer.with { server in
            let environment = [
                "DOCKER_HOST": "ssh://root@127.0.0.1:\(server.port)", "TWIP_SSH_OPTS": server.options(),
            ]
            let host = try DockerHost(environment: environment)
            #expect(host.description == "ssh://root@127.0.0.1:\(server.port)")
            let local = try await DockerClient.withClient(host: .default) { try await $0.info() }
            let client = DockerClient(host: host)
            do {
                #expect(try await client.ping().apiVersion != nil)
                let info = try await client.info()
                #expect(info.id != nil && info.id == local.id)
                // Concurrent requests each get a connection of their own, hence an ssh process of their own.
                let versions = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<6 { group.addTask { try await client.version().version } }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(versions.count == 6 && Set(versions) == [local.serverVersion ?? ""])
                #expect(try await client.listContainers().allSatisfy { !$0.id.isEmpty })
            } catch {
                try? await client.shutdown()
                throw error
            }
            let socket = try #require(try await client.tunnel?.socketPath())
            let folder = (socket as NSString).deletingLastPathComponent
            let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
            #expect(mode == 0o700)
            try await client.shutdown()
            #expect(!FileManager.default.fileExists(atPath: folder))
        }
    }

    @Test func anSSHLoginFailureIsUnreachableWithWhatSSHSaid() async throws {
        try await SSHServer.with { server in
            let environment = [
                "DOCKER_HOST": "ssh://root@127.0.0.1:\(server.port)",
                "TWIP_SSH_OPTS": server.options(key: "stranger_key"),
            ]
            try await TransportTestSupport.withClient(environment: environment) { client in
                let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
                #expect(error?.description.contains("ssh://root@127.0.0.1:\(server.port)") == true)
                #expect(error?.description.contains("Permission denied") == true)
            }
        }
    }

    @Test func aContextCanNameAnSSHEngine() async throws {
        try await SSHServer.with { server in
            let home = try TransportTestSupport.scratch("home")
            defer { try? FileManager.default.removeItem(atPath: home) }
            let name = EngineTestSupport.uniqueName("ssh")
            try DockerContextStore(configDirectory: home + "/.docker").write(
                DockerContext(name: name, host: "ssh://root@127.0.0.1:\(server.port)"))
            let environment = ["DOCKER_CONTEXT": name, "TWIP_SSH_OPTS": server.options()]
            let ping = try await TransportTestSupport.withClient(environment: environment, homeDirectory: home) {
                try await $0.ping()
            }
            #expect(ping.apiVersion != nil)
        }
    }
}
