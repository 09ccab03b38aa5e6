import Testing

@testable import TwipBench

@Suite struct BenchConfigurationTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/index.html", BenchTarget(host: "127.0.0.1", port: 8080, path: "/index.html")),
        ("http://localhost", BenchTarget(host: "localhost", port: 80, path: "/")),
        ("HTTP://127.0.0.1?q=1", BenchTarget(host: "127.0.0.1", port: 80, path: "/?q=1")),
        ("http://[::1]:81/a/b#frag", BenchTarget(host: "::1", port: 81, path: "/a/b")),
    ])
    func parsesHTTPURLs(_ url: String, _ expected: BenchTarget) throws {
        #expect(try BenchTarget.parse(url) == expected)
    }

    @Test(arguments: [
        "https://127.0.0.1/", "ftp://127.0.0.1/", "127.0.0.1:80", "http://", "http://127.0.0.1:0/",
        "http://127.0.0.1:99999/", "http://127.0.0.1:abc/", "http://user:pw@127.0.0.1/",
    ])
    func rejectsURLsThatAreNotPlainHTTP(_ url: String) {
        #expect(throws: BenchUsageError.self) { try BenchTarget.parse(url) }
    }

    @Test func onlyHTTPIsSupportedIsTheMessageForHTTPS() {
        #expect(throws: BenchUsageError("\"https://127.0.0.1/\": only http is supported (got https://)")) {
            try BenchTarget.parse("https://127.0.0.1/")
        }
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("::1", true),
        ("10.0.0.1", false), ("example.com", false), ("127.0.0.256", false), ("0.0.0.0", false),
    ])
    func knowsLoopbackHosts(_ host: String, _ loopback: Bool) {
        #expect(BenchTarget(host: host, port: 80, path: "/").isLoopback == loopback)
    }

    private static func configuration(_ change: (inout BenchConfiguration) -> Void) -> BenchConfiguration {
        var configuration = BenchConfiguration(target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/"))
        change(&configuration)
        return configuration
    }

    @Test func defaultsAreThoseOfTheOldCommand() throws {
        let configuration = Self.configuration { _ in }
        #expect(configuration.requests == 1000)
        #expect(configuration.concurrency == 10)
        #expect(!configuration.keepAlive)
        try configuration.validate()
    }

    static let badConfigurations: [(String, BenchConfiguration)] = [
        ("-c 0", configuration { c in c.concurrency = 0 }),
        ("-n below -c", configuration { c in (c.requests, c.concurrency) = (5, 10) }),
        ("-n 0", configuration { c in c.requests = 0 }),
        ("negative duration", configuration { c in c.duration = -1 }),
        ("zero timeout", configuration { c in c.timeout = 0 }),
        ("zero rate", configuration { c in c.rate = 0 }),
        ("endless timeout", configuration { c in c.timeout = 1e12 }),
        ("endless duration", configuration { c in c.duration = .infinity }),
        ("bad method", configuration { c in c.method = "GE T" }),
        ("bad header name", configuration { c in c.headers = [("X Y", "1")] }),
        ("header injection", configuration { c in c.headers = [("X", "1\r\nEvil: 1")] }),
        ("remote host", configuration { c in c.target.host = "192.0.2.1" }),
    ]

    @Test(arguments: badConfigurations)
    func rejectsBadArguments(_ name: String, _ configuration: BenchConfiguration) {
        #expect(throws: BenchUsageError.self, "\(name)") { try configuration.validate() }
    }

    @Test func aDurationRunNeedsNoRequestCount() throws {
        try Self.configuration { c in
            (c.requests, c.concurrency, c.duration) = (1, 50, 2)
        }.validate()
    }

    @Test func allowRemoteLiftsTheLoopbackRule() throws {
        try Self.configuration { c in
            c.target.host = "192.0.2.1"
            c.allowRemote = true
        }.validate()
    }

    @Test(arguments: [("30", 30.0), ("30s", 30), ("500ms", 0.5), ("2m", 120), ("1h", 3600), ("1.5s", 1.5)])
    func parsesDurations(_ text: String, _ seconds: Double) throws {
        #expect(try BenchConfiguration.parseDuration(text) == seconds)
    }

    @Test(arguments: ["", "abc", "-1s", "0", "5x", "ms"])
    func rejectsBadDurations(_ text: String) {
        #expect(throws: BenchUsageError.self) { try BenchConfiguration.parseDuration(text) }
    }

    @Test func parsesHeaders() throws {
        let header = try BenchConfiguration.parseHeader("X-Token:  abc: def ")
        #expect(header.name == "X-Token")
        #expect(header.value == "abc: def")
        #expect(throws: BenchUsageError.self) { try BenchConfiguration.parseHeader("no colon") }
    }

    @Test func encodesTheRequestOnceWithHostAndConnectionHeaders() {
        let closing = Self.configuration { c in c.headers = [("X-A", "1")] }
        #expect(
            String(decoding: closing.encodedRequest(), as: UTF8.self)
                == "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: twip-bench\r\nAccept: */*\r\nX-A: 1\r\n"
                + "Connection: close\r\n\r\n")
        let kept = Self.configuration { c in
            c.keepAlive = true
            c.method = "HEAD"
            c.headers = [("Host", "example.test")]
        }
        #expect(
            String(decoding: kept.encodedRequest(), as: UTF8.self)
                == "HEAD / HTTP/1.1\r\nUser-Agent: twip-bench\r\nAccept: */*\r\nHost: example.test\r\n\r\n")
    }
}
