public import DockerEngine

/// HAProxy's runtime API inside a proxy container, reached through the Engine API's exec (busybox nc to the
/// admin socket on the container's loopback). Servers are added, drained and deleted without a reload, so no
/// client connection is ever closed under its feet.
public struct HAProxyRuntime: Sendable {
    /// One server as `show servers state` reports it.
    public struct Server: Sendable, Hashable {
        public var name: String
        public var address: String
        public var port: Int
        /// HAProxy's admin state bits; non-zero means the server is in maintenance (no new traffic).
        public var adminState: Int

        public var inMaintenance: Bool { adminState != 0 }
    }

    public let client: DockerClient
    public let container: String
    /// `HOST:PORT` of the admin socket inside the container.
    public let endpoint: String

    public init(client: DockerClient, container: String, endpoint: String) {
        self.client = client
        self.container = container
        self.endpoint = endpoint
    }

    /// Sends one command and returns HAProxy's answer.
    public func send(_ command: String) async throws -> String {
        let parts = endpoint.split(separator: ":")
        guard parts.count == 2 else { throw HAProxyRuntimeError(command: command, answer: "bad endpoint \(endpoint)") }
        // busybox nc gives up after 10 s without an answer (-w), so an HAProxy that hangs cannot hold twip.
        let result = try await client.exec(
            container,
            ExecConfig(cmd: [
                "busybox", "sh", "-c", "printf '%s\\n' \"$1\" | busybox nc -w 10 \(parts[0]) \(parts[1])", "twip",
                command,
            ]))
        guard result.exitCode == 0 else {
            throw HAProxyRuntimeError(command: command, answer: (result.errorOutput + result.output).trimmed)
        }
        return result.output
    }

    /// Tells a generation about to be replaced to close each client connection after its answer
    /// (`Connection: close`, per the proxy's configuration), so that no keep-alive connection is closed under a
    /// client by the soft stop that follows. `set var` is an experimental command in HAProxy 2.6.
    public func startDraining() async throws {
        try await run("experimental-mode on; set var proc.twip_draining bool(true)")
    }

    /// Undoes `startDraining()`: for a generation that keeps serving after all (its stop was interrupted).
    public func stopDraining() async throws {
        try await run("experimental-mode on; set var proc.twip_draining bool(false)")
    }

    /// Sends a command whose successful answer is empty or contains `expect`; anything else is HAProxy's error.
    func run(_ command: String, expect: String? = nil, tolerating: String? = nil) async throws {
        let answer = try await send(command).trimmed
        if let expect, answer.contains(expect) { return }
        if let tolerating, answer.contains(tolerating) { return }
        if answer.isEmpty && expect == nil { return }
        throw HAProxyRuntimeError(command: command, answer: answer)
    }

    /// The servers of `backend` now.
    public func servers(backend: String) async throws -> [Server] {
        Self.parseServersState(try await send("show servers state \(backend)"))
    }

    /// Parses `show servers state` output (version line, `#` header, one line per server).
    public static func parseServersState(_ text: String) -> [Server] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 18, !line.hasPrefix("#"), let admin = Int(fields[6]), let port = Int(fields[18])
            else { return nil }
            return Server(name: String(fields[3]), address: String(fields[4]), port: port, adminState: admin)
        }
    }

    /// Makes `backend` send traffic to exactly `wanted` (name, address): new servers are added with health
    /// checks, changed addresses updated. A server not wanted is put in maintenance (in-flight requests finish,
    /// no new ones come); it is deleted only once its container is gone (not in `draining`), on this call or a
    /// later one, after its connections have closed by themselves.
    public func reconcile(
        backend: String, port: Int, wanted: [ProxyServer], draining: Set<String> = [], check: Bool
    ) async throws {
        let current = try await servers(backend: backend)
        let wantedByName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for server in wanted {
            if let existing = current.first(where: { $0.name == server.name }) {
                if existing.address != server.address || existing.port != port {
                    try await run("set server \(backend)/\(server.name) addr \(server.address) port \(port)")
                }
                if existing.inMaintenance {
                    try await run("set server \(backend)/\(server.name) state ready")
                }
                continue
            }
            let checks = check ? " check inter 1s fastinter 500ms fall 2 rise 1" : ""
            try await run(
                "add server \(backend)/\(server.name) \(server.address):\(port)\(checks)",
                expect: "New server registered", tolerating: "Already exists")
            if check { try await run("enable health \(backend)/\(server.name)") }
            try await run("enable server \(backend)/\(server.name)")
        }
        for server in current where wantedByName[server.name] == nil {
            if !server.inMaintenance {
                try await run("set server \(backend)/\(server.name) state maint")
            }
            if !draining.contains(server.name) {
                try await delete(backend: backend, server: server.name)
            }
        }
    }

    /// Deletes a server in maintenance whose container is gone. Its connections close by themselves once the
    /// container has stopped; HAProxy refuses the deletion until then, so it is retried for a while before the
    /// last sessions on it are shut down.
    func delete(backend: String, server: String) async throws {
        let command = "del server \(backend)/\(server)"
        for _ in 0..<20 {
            let answer = try await send(command).trimmed
            if answer.contains("Server deleted") || answer.contains("No such server") { return }
            guard answer.contains("still has connections") || answer.contains("not in maintenance") else {
                throw HAProxyRuntimeError(command: command, answer: answer)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        try await run("shutdown sessions server \(backend)/\(server)", tolerating: "No such server")
        try await run(command, expect: "Server deleted", tolerating: "No such server")
    }
}

/// A runtime API command HAProxy refused, with its answer.
public struct HAProxyRuntimeError: Error, Sendable, CustomStringConvertible {
    public var command: String
    public var answer: String
    public var description: String { "HAProxy refused \"\(command)\": \(answer.isEmpty ? "no answer" : answer)" }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
