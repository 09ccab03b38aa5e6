import Foundation
import Testing

@testable import TwipBench

#if canImport(Glibc)
    import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 with a kernel-chosen port.
final class LoopbackListener: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    /// Binds (and, when `listen` is set, listens on) a free loopback port.
    init(listen shouldListen: Bool = true) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        if shouldListen { Glibc.listen(fd, 128) }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port that was free a moment ago (the probing socket is closed again).
    static func freePort() throws -> Int {
        try LoopbackListener(listen: false).port
    }

    /// Accepts connections on a thread and answers each with `reply` after reading the request, then closes.
    func serve(reply: String, count: Int) {
        let descriptor = self.descriptor
        let thread = Thread {
            for _ in 0..<count {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &buffer, buffer.count)
                _ = reply.withCString { write(client, $0, strlen($0)) }
                close(client)
            }
        }
        thread.start()
    }

    deinit { close(descriptor) }
}

/// A private nginx serving one small file on a free 127.0.0.1 port.
///
/// The port is free when chosen, but a test running beside this one may bind it before nginx does (nginx then exits)
/// and would answer the readiness probe in its place: so nginx is ready only when the page it serves comes back, and
/// a port lost that way is given up for another.
final class LoopbackNginx: @unchecked Sendable {
    private(set) var process = Process()
    let directory: URL
    private(set) var port = 0
    static let body = String(repeating: "twip bench test page\n", count: 30)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("html"), withIntermediateDirectories: true)
        try Self.body.write(to: directory.appendingPathComponent("html/index.html"), atomically: true, encoding: .utf8)
        for _ in 0..<5 {
            port = try LoopbackListener.freePort()
            try start()
            if waitUntilServing() { return }
            stop(removingFiles: false)
            process = Process()
        }
        stop()
        throw POSIXError(.ECONNREFUSED)
    }

    private func start() throws {
        let config = """
            worker_processes 1;
            daemon off;
            pid \(directory.path)/nginx.pid;
            error_log \(directory.path)/error.log;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(directory.path);
                proxy_temp_path \(directory.path);
                fastcgi_temp_path \(directory.path);
                uwsgi_temp_path \(directory.path);
                scgi_temp_path \(directory.path);
                server {
                    listen 127.0.0.1:\(port);
                    root \(directory.path)/html;
                    location /chunked { return 200 "chunk"; }
                }
            }
            """
        try config.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", directory.path, "-c", directory.appendingPathComponent("nginx.conf").path]
        try process.run()
    }

    /// Whether this nginx serves its page within 5 s (false at once when it exited: its port was taken).
    private func waitUntilServing() -> Bool {
        for _ in 0..<100 {
            guard process.isRunning else { return false }
            if fetchIndex().contains("twip bench test page") { return process.isRunning }
            usleep(50_000)
        }
        return false
    }

    /// `GET /` on the port, read for at most a second; empty when nothing answered.
    private func fetchIndex() -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return "" }
        let request = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    func stop(removingFiles: Bool = true) {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if removingFiles { try? FileManager.default.removeItem(at: directory) }
    }

    deinit { stop() }
}

private func configuration(port: Int, path: String = "/", _ change: (inout BenchConfiguration) -> Void = { _ in })
    -> BenchConfiguration
{
    var configuration = BenchConfiguration(target: BenchTarget(host: "127.0.0.1", port: port, path: path))
    configuration.threads = 2
    change(&configuration)
    return configuration
}

@Suite(.serialized) struct LoadGeneratorTests {
    static let hasNginx = FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx")

    @Test(.enabled(if: hasNginx), arguments: [false, true])
    func aShortRunAgainstNginxCountsEveryResponse(keepAlive: Bool) async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        let generator = try LoadGenerator(
            configuration: configuration(port: nginx.port) { c in
                c.requests = 2000
                c.concurrency = 8
                c.keepAlive = keepAlive
            })
        let result = try await generator.run()
        #expect(result.responses == 2000)
        #expect(result.failedRequests == 0)
        #expect(result.non2xx == 0)
        #expect(result.documentLength == LoopbackNginx.body.utf8.count)
        #expect(result.bodyBytes == 2000 * LoopbackNginx.body.utf8.count)
        #expect(result.server?.hasPrefix("nginx") == true)
        #expect(result.latencyCount == 2000)
        #expect(result.duration > 0)
        if keepAlive {
            #expect(result.connections < 100)
        } else {
            #expect(result.connections == 2000)
        }
    }

    @Test(.enabled(if: hasNginx))
    func aDurationRunStopsOnTimeAndCountsNotFoundAsNon2xx() async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        let generator = try LoadGenerator(
            configuration: configuration(port: nginx.port, path: "/missing") { c in
                c.duration = 0.5
                c.concurrency = 4
                c.keepAlive = true
            })
        let result = try await generator.run()
        #expect(result.duration >= 0.5 && result.duration < 2)
        #expect(result.responses > 100)
        #expect(result.non2xx == result.responses)
        #expect(result.statusCounts[404] == result.responses)
    }

    @Test(.enabled(if: hasNginx))
    func aFixedRateRunSendsAboutThatRate() async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        let generator = try LoadGenerator(
            configuration: configuration(port: nginx.port) { c in
                c.requests = 200
                c.concurrency = 4
                c.keepAlive = true
                c.rate = 400
            })
        let result = try await generator.run()
        #expect(result.responses == 200)
        #expect(result.duration > 0.4 && result.duration < 1.0)
    }

    @Test func refusedConnectionsAreCountedNotThrown() async throws {
        let closedPort = try LoopbackListener(listen: false)
        let generator = try LoadGenerator(
            configuration: configuration(port: closedPort.port) { c in
                c.requests = 50
                c.concurrency = 5
            })
        let result = try await generator.run()
        #expect(result.failureCounts[.connect] == 50)
        #expect(result.responses == 0)
        #expect(result.everyRequestFailed)
    }

    @Test func refusedConnectionsAreCountedOnTheKeepAliveAndRatePathsToo() async throws {
        let closedPort = try LoopbackListener(listen: false)
        for keepAlive in [true, false] {
            let generator = try LoadGenerator(
                configuration: configuration(port: closedPort.port) { c in
                    c.requests = 20
                    c.concurrency = 2
                    c.keepAlive = keepAlive
                    c.rate = keepAlive ? nil : 2000
                })
            let result = try await generator.run()
            #expect(result.failureCounts[.connect] == 20)
            #expect(result.responses == 0)
        }
    }

    @Test(.enabled(if: hasNginx))
    func aDurationRunWithoutKeepAliveOpensOneConnectionPerRequest() async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        let generator = try LoadGenerator(
            configuration: configuration(port: nginx.port) { c in
                c.duration = 1
                c.concurrency = 3
            })
        let result = try await generator.run()
        // Not a speed check: the suite runs engine tests beside this one, and a starved second can answer few.
        // Several answers, each on a connection of its own.
        #expect(result.duration >= 1 && result.duration < 4)
        #expect(result.responses >= 2)
        #expect(result.failedRequests == 0)
        #expect(result.connections == result.responses)
        #expect(result.latencyCount == result.responses)
    }

    @Test func cancellingARunWithoutKeepAliveEndsItPromptly() async throws {
        // Listening but never accepting: every request hangs until cancelled.
        let server = try LoopbackListener()
        let generator = try LoadGenerator(
            configuration: configuration(port: server.port) { c in
                c.duration = 30
                c.concurrency = 2
            })
        let started = Date()
        let task = Task { try await generator.run() }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test(.enabled(if: hasNginx), arguments: [false, true])
    func cancellingARunThatEndsOnCancelReportsWhatItMeasured(keepAlive: Bool) async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        let generator = try LoadGenerator(
            configuration: configuration(port: nginx.port) { c in
                c.duration = 60
                c.concurrency = 4
                c.keepAlive = keepAlive
            })
        let started = Date()
        let task = Task { try await generator.run(endOnCancel: true) }
        try await Task.sleep(for: .milliseconds(1_300))
        task.cancel()
        let result = try await task.value
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.duration > 1 && result.duration < 5)
        #expect(result.responses > 0)
        #expect(result.failedRequests == 0, "requests in flight finish: \(result.failureCounts)")
        #expect(result.timeline.seconds.count == 2)
    }

    @Test func aServerThatClosesEarlyCountsReceiveFailures() async throws {
        let server = try LoopbackListener()
        server.serve(reply: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", count: 6)
        let generator = try LoadGenerator(
            configuration: configuration(port: server.port) { c in
                c.requests = 6
                c.concurrency = 2
            })
        let result = try await generator.run()
        #expect(result.failureCounts[.receive] == 6)
        #expect(result.everyRequestFailed)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // Listening but never accepting: the kernel completes the handshake, nobody answers.
        let server = try LoopbackListener()
        let generator = try LoadGenerator(
            configuration: configuration(port: server.port) { c in
                c.requests = 4
                c.concurrency = 2
                c.timeout = 0.3
            })
        let started = Date()
        let result = try await generator.run()
        #expect(result.failureCounts[.timeout] == 4)
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func differentBodyLengthsCountAsLengthFailures() async throws {
        let server = try LoopbackListener()
        let thread = Thread {
            for index in 0..<4 {
                let client = accept(server.descriptor, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &buffer, buffer.count)
                let body = index == 0 ? "abc" : "abcdef"
                let reply = "HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n\(body)"
                _ = reply.withCString { write(client, $0, strlen($0)) }
                close(client)
            }
        }
        thread.start()
        let generator = try LoadGenerator(
            configuration: configuration(port: server.port) { c in
                c.requests = 4
                c.concurrency = 1
            })
        let result = try await generator.run()
        #expect(result.responses == 4)
        #expect(result.documentLength == 3)
        #expect(result.failureCounts[.length] == 3)
        #expect(!result.everyRequestFailed)
    }
}
