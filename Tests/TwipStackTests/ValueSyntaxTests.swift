import Testing
import TwipStack

@Suite struct ValueSyntaxTests {
    /// Loads one service with `image: x` plus the given lines, returning it.
    func service(_ lines: String) throws -> Service {
        let yaml =
            "services:\n  s:\n    image: x\n" + lines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return try #require(try loadText(yaml).stack.services.first)
    }

    @Test(arguments: [
        ("80", [Port(target: 80)]),
        ("80:8080", [Port(target: 8080, published: 80)]),
        ("127.0.0.1:80:8080", [Port(target: 8080, published: 80, hostIP: "127.0.0.1")]),
        ("127.0.0.1::8080", [Port(target: 8080, hostIP: "127.0.0.1")]),
        ("[::1]:80:8080", [Port(target: 8080, published: 80, hostIP: "::1")]),
        ("53:53/udp", [Port(target: 53, published: 53, protocol: "udp")]),
        ("8000-8001:80-81", [Port(target: 80, published: 8000), Port(target: 81, published: 8001)]),
        ("3000-3001", [Port(target: 3000), Port(target: 3001)]),
    ])
    func shortPortsExpand(text: String, expected: [Port]) throws {
        #expect(try service("ports: [\"\(text)\"]").ports == expected)
    }

    @Test(arguments: ["80:abc", "0", "65536", "80:80/icmp", "8000-8002:80-81", "a:b:c:d", "81-80"])
    func malformedPortsAreRejected(text: String) {
        let found = problems("services:\n  s:\n    image: x\n    ports: [\"\(text)\"]")
        #expect(found.count == 1 && found[0].contains("invalid port \"\(text)\""), "\(found)")
    }

    @Test(arguments: [
        ("10s", Duration.seconds(10)), ("1m30s", .seconds(90)), ("500ms", .milliseconds(500)), ("1h", .seconds(3600)),
        ("1.5s", .milliseconds(1500)), ("2", .seconds(2)), ("1h2m3s", .seconds(3723)), ("250us", .microseconds(250)),
    ])
    func durationsParse(text: String, expected: Duration) throws {
        #expect(try service("stop_grace_period: \(text)").stopGracePeriod == expected)
    }

    @Test(arguments: ["10x", "s", "1m30", "-5s", "ten"])
    func badDurationsAreRejected(text: String) {
        let found = problems("services:\n  s:\n    image: x\n    stop_grace_period: \(text)")
        #expect(found.count == 1 && found[0].contains("invalid duration"), "\(found)")
    }

    @Test(arguments: [
        ("512m", Int64(512 << 20)), ("1g", Int64(1 << 30)), ("1024k", Int64(1 << 20)), ("2048", Int64(2048)),
        ("1GB", Int64(1 << 30)), ("100b", Int64(100)),
    ])
    func sizesParse(text: String, expected: Int64) throws {
        #expect(try service("mem_limit: \(text)").memLimit == expected)
    }

    @Test(arguments: [
        ("no", RestartPolicy.no), ("always", .always), ("unless-stopped", .unlessStopped),
        ("on-failure", .onFailure(maxRetries: nil)), ("on-failure:3", .onFailure(maxRetries: 3)),
    ])
    func restartPoliciesParse(text: String, expected: RestartPolicy) throws {
        #expect(try service("restart: \(text)").restart == expected)
    }

    @Test(arguments: [
        ("./data:/data", Mount(type: .bind, source: "/srv/twiptest-stack/stacks/data", target: "/data")),
        ("../data:/data:rw", Mount(type: .bind, source: "/srv/twiptest-stack/data", target: "/data")),
        ("/etc/x:/x:ro", Mount(type: .bind, source: "/etc/x", target: "/x", readOnly: true)),
        ("/anon", Mount(type: .volume, source: nil, target: "/anon")),
    ])
    func shortVolumesParse(text: String, expected: Mount) throws {
        #expect(try service("volumes: [\"\(text)\"]").volumes == [expected])
    }

    @Test(arguments: [
        ("command: echo 'a b' \"c d\" e\\ f", ["echo", "a b", "c d", "e f"]),
        ("command: [\"echo\", \"a b\"]", ["echo", "a b"]),
        ("command: sh -c 'echo $$HOME'", ["sh", "-c", "echo $HOME"]),
    ])
    func commandsSplitLikeAShell(line: String, expected: [String]) throws {
        #expect(try service(line).command == expected)
    }

    @Test func healthcheckListFormIsKeptAndStringIsCmdShell() throws {
        #expect(try service("healthcheck:\n  test: [\"CMD\", \"true\"]").healthcheck?.test == ["CMD", "true"])
        #expect(try service("healthcheck:\n  test: exit 0").healthcheck?.test == ["CMD-SHELL", "exit 0"])
        #expect(try service("healthcheck:\n  disable: true").healthcheck?.disable == true)
    }
}
