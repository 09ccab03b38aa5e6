import Foundation
import Glibc
import EngineTestSupport
import Testing

@testable import DockerEngine

/// Programs, scratch folders, free ports and background servers for the transport tests.
enum TransportTestSupport {
    /// The path of `program` on PATH or in /usr/sbin; nil when it is not installed.
    static func tool(_ program: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Engine tests needing `programs` run when they are installed and the engine answers, and always under CI
    /// (where a missing program or engine then fails the test).
    static func shouldRun(needing programs: [String]) -> Bool {
        EngineTestSupport.isCI || (EngineTestSupport.engineAnswers && programs.allSatisfy { tool($0) != nil })
    }

    /// The path of `program`, failing the test when it is missing.
    static func require(_ program: String, package: String) throws -> String {
        try #require(tool(program), "\(program) is missing: apt-get install -y \(package)")
    }

    /// A new private folder under the temporary directory.
    static func scratch(_ base: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(EngineTestSupport.uniqueName(base))
            .path
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Writes `text` to `path` with `mode`.
    static func write(_ text: String, to path: String, mode: Int = 0o644) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// Runs a program to completion and returns its standard output; a non-zero exit fails with its output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(command: ([executable] + arguments).joined(separator: " "), output: text)
        }
        return text
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var command: String
        var output: String
        var description: String { "\(command) failed: \(output)" }
    }

    /// A TCP port on 127.0.0.1 nothing listens on right now (the kernel picks it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`.
    static func waitForListener(port: Int, seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("nothing listens on 127.0.0.1:\(port) after \(seconds) s")
        throw CommandFailed(command: "wait for 127.0.0.1:\(port)", output: "timed out")
    }

    /// Runs `executable` in the background for the duration of `body`, its output in `log`.
    ///
    /// Spawned clean (no inherited descriptors or blocked signals) so that a daemon living through the test
    /// cannot hold another child's descriptors open, and killed with SIGKILL at the end.
    static func withBackground<T>(
        _ executable: String, _ arguments: [String], log: String, _ body: () async throws -> T
    ) async throws -> T {
        let pid = try CleanSpawn.spawn([executable] + arguments) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        return try await body()
    }

    /// Runs `body` with a client for `environment`'s engine, shutting it down afterwards.
    static func withClient<T>(
        environment: [String: String], homeDirectory: String? = nil, _ body: (DockerClient) async throws -> T
    ) async throws -> T {
        let host = try DockerHost(environment: environment, homeDirectory: homeDirectory)
        return try await DockerClient.withClient(host: host, body)
    }
}

/// Test certificates made with openssl: CAs, server certificates for 127.0.0.1 and client certificates.
struct TestCertificates {
    let directory: String
    let openssl: String

    /// Makes a CA named `name` (`NAME-ca.pem`, `NAME-ca-key.pem`).
    func makeCA(_ name: String) throws {
        try TransportTestSupport.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "\(name)-ca-key.pem", "-out", "\(name)-ca.pem", "-days", "2", "-subj",
                "/CN=twip test \(name)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: directory)
    }

    /// Makes `NAME.pem` and `NAME-key.pem` signed by `ca`: a server certificate for 127.0.0.1, or a client one.
    func makeCertificate(_ name: String, signedBy ca: String, server: Bool) throws {
        let extensions =
            server ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n"
        try TransportTestSupport.write(extensions, to: "\(directory)/\(name).ext")
        try TransportTestSupport.run(
            openssl,
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                "\(name)-key.pem", "-out", "\(name).csr", "-subj", server ? "/CN=127.0.0.1" : "/CN=\(name)",
            ], in: directory)
        try TransportTestSupport.run(
            openssl,
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca)-ca.pem", "-CAkey", "\(ca)-ca-key.pem",
                "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
            ], in: directory)
    }

    /// Copies `ca`'s certificate and the client pair `client` into `folder` as ca.pem, cert.pem and key.pem.
    func install(ca: String, client: String, into folder: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (source, target) in [
            ("\(ca)-ca.pem", "ca.pem"), ("\(client).pem", "cert.pem"), ("\(client)-key.pem", "key.pem"),
        ] {
            try? files.removeItem(atPath: "\(folder)/\(target)")
            try files.copyItem(atPath: "\(directory)/\(source)", toPath: "\(folder)/\(target)")
        }
    }

    /// The PEM text of a file made here.
    func pem(_ file: String) throws -> String {
        try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
    }
}
