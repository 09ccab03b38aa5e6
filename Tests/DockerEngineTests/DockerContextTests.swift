import Foundation
import Testing

@testable import DockerEngine

@Suite struct DockerContextTests {
    /// A throwaway home directory with an empty `.docker`.
    static func withHome(_ body: (String) throws -> Void) throws {
        let home = try TransportTestSupport.scratch("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try body(home)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func contextFoldersAreNamedByTheSHA256OfTheName(name: String, digest: String) {
        #expect(DockerContextStore.folderName(for: name) == digest)
    }

    @Test func aWrittenContextIsStoredAsTheDockerCLIStoresIt() throws {
        try Self.withHome { home in
            let store = DockerContextStore(configDirectory: home + "/.docker")
            let context = DockerContext(name: "twip-lab", host: "tcp://127.0.0.1:23750", description: "the lab")
            try store.write(context, tls: ["ca.pem": "CA PEM\n"])
            let folder = DockerContextStore.folderName(for: "twip-lab")
            let metaPath = home + "/.docker/contexts/meta/\(folder)/meta.json"
            let data = try #require(FileManager.default.contents(atPath: metaPath))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(json["Name"] as? String == "twip-lab")
            #expect((json["Metadata"] as? [String: Any])?["Description"] as? String == "the lab")
            let docker = (json["Endpoints"] as? [String: Any])?["docker"] as? [String: Any]
            #expect(docker?["Host"] as? String == "tcp://127.0.0.1:23750")
            #expect(docker?["SkipTLSVerify"] as? Bool == false)
            let ca = home + "/.docker/contexts/tls/\(folder)/docker/ca.pem"
            #expect(try String(contentsOfFile: ca, encoding: .utf8) == "CA PEM\n")
            #expect(try FileManager.default.attributesOfItem(atPath: ca)[.posixPermissions] as? Int == 0o600)

            #expect(try store.context(named: "twip-lab") == context)
            #expect(
                store.tlsMaterial(for: context)
                    == TLSMaterial(caFile: ca, certificateFile: nil, keyFile: nil, verify: true))
            try store.remove(named: "twip-lab")
            #expect(try store.context(named: "twip-lab") == nil)
            #expect(!FileManager.default.fileExists(atPath: ca))
        }
    }

    @Test(arguments: ["default", "", "x", "-lab", "lab/one", "lab one"])
    func namesTheDockerCLIWouldRefuseAreNotWritten(name: String) throws {
        try Self.withHome { home in
            let store = DockerContextStore(configDirectory: home + "/.docker")
            #expect(throws: DockerConfigError.self) {
                try store.write(DockerContext(name: name, host: "tcp://127.0.0.1:1"))
            }
        }
    }

    /// How each case sets up `~/.docker` and the environment, and the host it must resolve to.
    struct Resolution: Sendable, CustomTestStringConvertible {
        var label: String
        var environment: [String: String]
        var currentContext: String?
        var expected: DockerHost
        var testDescription: String { label }
    }

    @Test(arguments: [
        Resolution(label: "nothing set", environment: [:], currentContext: nil, expected: .default),
        Resolution(
            label: "currentContext", environment: [:], currentContext: "remote",
            expected: .tcp(host: "10.0.0.2", port: 2375)),
        Resolution(
            label: "DOCKER_CONTEXT over currentContext", environment: ["DOCKER_CONTEXT": "other"],
            currentContext: "remote", expected: .tcp(host: "10.0.0.3", port: 2375)),
        Resolution(
            label: "DOCKER_HOST over both",
            environment: ["DOCKER_HOST": "unix:///tmp/d.sock", "DOCKER_CONTEXT": "other"],
            currentContext: "remote", expected: .unix(path: "/tmp/d.sock")),
        Resolution(
            label: "the default context", environment: ["DOCKER_CONTEXT": "default"], currentContext: "remote",
            expected: .default),
        Resolution(
            label: "SkipTLSVerify without files", environment: ["DOCKER_CONTEXT": "insecure"], currentContext: nil,
            expected: .tls(
                host: "10.0.0.4", port: 2376,
                TLSMaterial(caFile: nil, certificateFile: nil, keyFile: nil, verify: false))
        ),
    ])
    func theEngineIsResolvedAsTheDockerCLIResolvesIt(resolution: Resolution) throws {
        try Self.withHome { home in
            let store = DockerContextStore(configDirectory: home + "/.docker")
            try store.write(DockerContext(name: "remote", host: "tcp://10.0.0.2"))
            try store.write(DockerContext(name: "other", host: "tcp://10.0.0.3:2375"))
            try store.write(DockerContext(name: "insecure", host: "tcp://10.0.0.4", skipTLSVerify: true))
            if let current = resolution.currentContext {
                try TransportTestSupport.write(#"{"currentContext":"\#(current)"}"#, to: home + "/.docker/config.json")
            }
            #expect(try DockerHost(environment: resolution.environment, homeDirectory: home) == resolution.expected)
        }
    }

    @Test func dockerConfigPointsAtAnotherConfigDirectory() throws {
        try Self.withHome { home in
            let elsewhere = home + "/elsewhere"
            try DockerContextStore(configDirectory: elsewhere).write(
                DockerContext(name: "far", host: "tcp://10.1.1.1:1"))
            try TransportTestSupport.write(#"{"currentContext":"far"}"#, to: elsewhere + "/config.json")
            let host = try DockerHost(environment: ["DOCKER_CONFIG": elsewhere], homeDirectory: "/nonexistent")
            #expect(host == .tcp(host: "10.1.1.1", port: 1))
        }
    }

    @Test(arguments: [
        (["DOCKER_CONTEXT": "nowhere"], nil as String?, "invalid DOCKER_CONTEXT \"nowhere\": no such Docker context"),
        ([:], "gone", "invalid currentContext in "),
    ])
    func anUnknownContextIsAnErrorNamingIt(environment: [String: String], current: String?, prefix: String) throws {
        try Self.withHome { home in
            if let current {
                try TransportTestSupport.write(#"{"currentContext":"\#(current)"}"#, to: home + "/.docker/config.json")
            }
            let error = #expect(throws: DockerHostError.self) {
                try DockerHost(environment: environment, homeDirectory: home)
            }
            #expect(error?.description.hasPrefix(prefix) == true)
            #expect(error?.description.contains("\"\(current ?? "nowhere")\"") == true)
        }
    }
}

@Suite struct DockerHostTLSTests {
    /// A cert path holding the three PEM files (their contents do not matter to resolution).
    static func withCertPath(files: [String] = ["ca.pem", "cert.pem", "key.pem"], _ body: (String) throws -> Void)
        throws
    {
        let directory = try TransportTestSupport.scratch("certs")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in files { try TransportTestSupport.write("PEM\n", to: "\(directory)/\(file)") }
        try body(directory)
    }

    @Test func dockerTLSVerifyUsesTheCertPathAndPort2376() throws {
        try Self.withCertPath { path in
            let environment = ["DOCKER_HOST": "tcp://10.0.0.9", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": path]
            let expected = TLSMaterial(
                caFile: path + "/ca.pem", certificateFile: path + "/cert.pem", keyFile: path + "/key.pem", verify: true)
            let host = try DockerHost(environment: environment)
            #expect(host == .tls(host: "10.0.0.9", port: 2376, expected))
            #expect(host.description == "tcp://10.0.0.9:2376")
        }
    }

    @Test func dockerTLSAloneSkipsVerificationAndStillSendsTheClientCertificate() throws {
        try Self.withCertPath(files: ["cert.pem", "key.pem"]) { path in
            let environment = ["DOCKER_HOST": "tcp://10.0.0.9:3000", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": path]
            let expected = TLSMaterial(
                caFile: nil, certificateFile: path + "/cert.pem", keyFile: path + "/key.pem", verify: false)
            let host = try DockerHost(environment: environment)
            #expect(host == .tls(host: "10.0.0.9", port: 3000, expected))
        }
    }

    @Test func theCertPathDefaultsToTheConfigDirectory() throws {
        try Self.withCertPath { path in
            let host = try DockerHost(
                environment: ["DOCKER_HOST": "tcp://h", "DOCKER_TLS_VERIFY": "yes", "DOCKER_CONFIG": path])
            guard case .tls(_, _, let material) = host else {
                Issue.record("expected TLS, got \(host)")
                return
            }
            #expect(material.caFile == path + "/ca.pem")
        }
    }

    @Test func verificationWithoutACACertificateIsRefused() throws {
        try Self.withCertPath(files: ["cert.pem", "key.pem"]) { path in
            let error = #expect(throws: DockerHostError.self) {
                try DockerHost(
                    environment: ["DOCKER_HOST": "tcp://h", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": path])
            }
            #expect(error?.description.contains(path + "/ca.pem") == true)
        }
    }

    @Test func withoutTLSSettingsATCPHostIsPlainOnPort2375() throws {
        #expect(try DockerHost(environment: ["DOCKER_HOST": "tcp://h"]) == .tcp(host: "h", port: 2375))
        #expect(
            try DockerHost(environment: ["DOCKER_HOST": "unix:///s.sock", "DOCKER_TLS": "1"]) == .unix(path: "/s.sock"))
    }

    @Test func unloadableCertificatesMakeTheFirstRequestFailAsUnreachable() async throws {
        let host = DockerHost.tls(
            host: "127.0.0.1", port: 1,
            TLSMaterial(caFile: "/nonexistent/ca.pem", certificateFile: nil, keyFile: nil, verify: true))
        try await DockerClient.withClient(host: host) { client in
            let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
            #expect(error?.description.contains("cannot load the TLS certificates") == true)
            #expect(error?.description.contains("tcp://127.0.0.1:1") == true)
        }
    }
}

@Suite struct SSHDestinationTests {
    @Test func theCommandIsTheDockerCLIsWithTheExtraOptionsBeforeTheDestination() throws {
        let host = try DockerHost(
            environment: [
                "DOCKER_HOST": "ssh://deploy@docker.example:2222", "TWIP_SSH_OPTS": "-F /etc/twip/ssh_config",
            ])
        guard case .ssh(let destination) = host else {
            Issue.record("expected ssh, got \(host)")
            return
        }
        #expect(
            destination.command == [
                "ssh", "-o", "ConnectTimeout=30", "-T", "-F", "/etc/twip/ssh_config", "-p", "2222", "-l", "deploy",
                "--",
                "docker.example", "docker", "system", "dial-stdio",
            ])
        #expect(host.description == "ssh://deploy@docker.example:2222")
        #expect(
            SSHDestination(host: "h").command == [
                "ssh", "-o", "ConnectTimeout=30", "-T", "--", "h", "docker", "system", "dial-stdio",
            ])
    }

    @Test func unreachableSSHHostsSayWhichCommandToTry() {
        let error = EngineUnreachable(
            host: .ssh(SSHDestination(user: "u", host: "h")), reason: .other("ssh closed the connection"))
        #expect(error.description.hasPrefix("Docker engine unreachable at ssh://u@h: ssh closed the connection; "))
        #expect(error.description.contains("ssh -o ConnectTimeout=30 -T -l u -- h docker system dial-stdio"))
    }
}
