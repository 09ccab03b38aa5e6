import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// A TLS front for the local engine made with socat and openssl certificates: `front` presents a server
/// certificate signed by the `good` CA, `impostor` one signed by the `other` CA; both demand a client
/// certificate signed by `good`.
struct TLSFronts {
    let certificates: TestCertificates
    let front: Int
    let impostor: Int
    /// A DOCKER_CERT_PATH holding the good CA and the client pair.
    let certPath: String

    static let programs = ["socat", "openssl"]

    static func with(_ body: (TLSFronts) async throws -> Void) async throws {
        let socat = try TransportTestSupport.require("socat", package: "socat")
        let openssl = try TransportTestSupport.require("openssl", package: "openssl")
        let directory = try TransportTestSupport.scratch("tls")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = TestCertificates(directory: directory, openssl: openssl)
        try certificates.makeCA("good")
        try certificates.makeCA("other")
        try certificates.makeCertificate("server", signedBy: "good", server: true)
        try certificates.makeCertificate("impostor", signedBy: "other", server: true)
        try certificates.makeCertificate("client", signedBy: "good", server: false)
        let certPath = directory + "/docker"
        try certificates.install(ca: "good", client: "client", into: certPath)

        func listen(_ port: Int, certificate: String) -> [String] {
            [
                "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(directory)/\(certificate).pem,"
                    + "key=\(directory)/\(certificate)-key.pem,cafile=\(directory)/good-ca.pem,verify=1",
                "UNIX-CONNECT:\(DockerHost.defaultSocketPath)",
            ]
        }
        let front = try TransportTestSupport.freePort()
        let impostor = try TransportTestSupport.freePort()
        try await TransportTestSupport.withBackground(
            socat, listen(front, certificate: "server"), log: directory + "/front.log"
        ) {
            try await TransportTestSupport.withBackground(
                socat, listen(impostor, certificate: "impostor"), log: directory + "/impostor.log"
            ) {
                try await TransportTestSupport.waitForListener(port: front)
                try await TransportTestSupport.waitForListener(port: impostor)
                try await body(
                    TLSFronts(certificates: certificates, front: front, impostor: impostor, certPath: certPath))
            }
        }
    }
}

@Suite(
    .enabled(
        if: TransportTestSupport.shouldRun(needing: TLSFronts.programs),
        "needs a Docker engine, socat and openssl (or CI=true to fail without them)"))
struct EngineTLSTests {
    @Test func dockerTLSVerifyReachesTheEngineThroughATLSFront() async throws {
        try await TLSFronts.with { fronts in
            let environment = [
                "DOCKER_HOST": "tcp://127.0.0.1:\(fronts.front)", "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": fronts.certPath,
            ]
            let host = try DockerHost(environment: environment)
            guard case .tls(_, _, let material) = host else {
                Issue.record("expected a TLS host, got \(host)")
                return
            }
            #expect(material.verify)
            #expect(material.caFile == fronts.certPath + "/ca.pem")
            let local = try await DockerClient.withClient(host: .default) { try await $0.info() }
            try await DockerClient.withClient(host: host) { client in
                let ping = try await client.ping()
                #expect(ping.apiVersion != nil)
                // The same engine answers through the front: same ID, same version, a container list.
                let info = try await client.info()
                #expect(info.id != nil && info.id == local.id)
                #expect(try await client.version().version == local.serverVersion)
                let containers = try await client.listContainers()
                #expect(containers.allSatisfy { !$0.id.isEmpty })
            }
        }
    }

    @Test func aServerCertificateTheCADidNotSignIsRefusedNamingTheHost() async throws {
        try await TLSFronts.with { fronts in
            let environment = [
                "DOCKER_HOST": "tcp://127.0.0.1:\(fronts.impostor)", "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": fronts.certPath,
            ]
            try await TransportTestSupport.withClient(environment: environment) { client in
                let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
                guard case .tls(let why) = error?.reason else {
                    Issue.record("expected a TLS failure, got \(String(describing: error))")
                    return
                }
                #expect(why.hasPrefix("certificate verification failed"))
                #expect(why.contains("CERTIFICATE_VERIFY_FAILED"))
                #expect(error?.description.contains("tcp://127.0.0.1:\(fronts.impostor)") == true)
            }
        }
    }

    @Test func dockerTLSWithoutVerificationAcceptsAnyServerCertificateAndSendsTheClientOne() async throws {
        try await TLSFronts.with { fronts in
            let environment = [
                "DOCKER_HOST": "tcp://127.0.0.1:\(fronts.impostor)", "DOCKER_TLS": "1",
                "DOCKER_CERT_PATH": fronts.certPath,
            ]
            let ping = try await TransportTestSupport.withClient(environment: environment) { try await $0.ping() }
            #expect(ping.apiVersion != nil)
        }
    }

    @Test func aClientWithoutACertificateIsTurnedAwayAsUnreachable() async throws {
        try await TLSFronts.with { fronts in
            let bare = fronts.certificates.directory + "/ca-only"
            try FileManager.default.createDirectory(atPath: bare, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fronts.certPath + "/ca.pem", toPath: bare + "/ca.pem")
            let environment = [
                "DOCKER_HOST": "tcp://127.0.0.1:\(fronts.front)", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": bare,
            ]
            try await TransportTestSupport.withClient(environment: environment) { client in
                let error = await #expect(throws: EngineUnreachable.self) { try await client.ping() }
                guard case .tls(let why) = error?.reason else {
                    Issue.record("expected a TLS failure, got \(String(describing: error))")
                    return
                }
                #expect(why.hasPrefix("TLS handshake failed"))
            }
        }
    }

    @Test(arguments: [ContextSelection.environment, .currentContext])
    func aContextWithTLSFilesReachesTheFront(selection: ContextSelection) async throws {
        try await TLSFronts.with { fronts in
            let home = try TransportTestSupport.scratch("home")
            defer { try? FileManager.default.removeItem(atPath: home) }
            let store = DockerContextStore(configDirectory: home + "/.docker")
            let name = EngineTestSupport.uniqueName("tls")
            try store.write(
                DockerContext(name: name, host: "tcp://127.0.0.1:\(fronts.front)", description: "TLS front"),
                tls: [
                    "ca.pem": try fronts.certificates.pem("good-ca.pem"),
                    "cert.pem": try fronts.certificates.pem("client.pem"),
                    "key.pem": try fronts.certificates.pem("client-key.pem"),
                ])
            var environment: [String: String] = [:]
            switch selection {
            case .environment:
                environment["DOCKER_CONTEXT"] = name
            case .currentContext:
                try TransportTestSupport.write(#"{"currentContext":"\#(name)"}"#, to: home + "/.docker/config.json")
            }
            let host = try DockerHost(environment: environment, homeDirectory: home)
            #expect(host.description == "tcp://127.0.0.1:\(fronts.front)")
            let version = try await DockerClient.withClient(host: host) { client in
                _ = try await client.ping()
                return try await client.version()
            }
            #expect(!version.version.isEmpty)
        }
    }

    enum ContextSelection: Sendable, CaseIterable { case environment, currentContext }
}
