import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Lists containers (`all` includes stopped ones), optionally filtered, e.g. `.labels(["io.twip.env=prod"])`.
    public func listContainers(all: Bool = true, filters: Filters = [:]) async throws -> [ContainerSummary] {
        try await decode(
            [ContainerSummary].self,
            EngineRequest(
                .GET, "/containers/json", query: [("all", all ? "1" : "0"), ("filters", filters.queryValue)],
                operation: "list containers"))
    }

    /// Creates a container named `name` (nil lets the engine pick) and returns its id.
    ///
    /// `platform` (`OS/ARCH[/VARIANT]`, API 1.41) picks that variant of a multi-platform image; the engine refuses
    /// the create when the image has no such variant.
    @discardableResult
    public func createContainer(name: String?, config: ContainerConfig, platform: String? = nil) async throws
        -> ContainerCreated
    {
        try await decode(
            ContainerCreated.self,
            EngineRequest(
                .POST, "/containers/create", query: [("name", name), ("platform", platform)], body: try .json(config),
                operation: "create container", object: name ?? config.image))
    }

    /// Starts a container; starting a running container is not an error.
    public func startContainer(_ id: String) async throws {
        try await perform(
            EngineRequest(
                .POST, "/containers/\(EngineRequest.segment(id))/start", operation: "start container", object: id))
    }

    /// Stops a container, killing it after `timeout` seconds; stopping a stopped container is not an error.
    public func stopContainer(_ id: String, timeout: Int? = nil) async throws {
        try await perform(
            EngineRequest(
                .POST, "/containers/\(EngineRequest.segment(id))/stop", query: [("t", timeout.map(String.init))],
                operation: "stop container", object: id))
    }

    /// Restarts a container, killing it after `timeout` seconds if it does not stop.
    public func restartContainer(_ id: String, timeout: Int? = nil) async throws {
        try await perform(
            EngineRequest(
                .POST, "/containers/\(EngineRequest.segment(id))/restart", query: [("t", timeout.map(String.init))],
                operation: "restart container", object: id))
    }

    /// Sends a signal (default SIGKILL) to a container.
    public func killContainer(_ id: String, signal: String? = nil) async throws {
        try await perform(
            EngineRequest(
                .POST, "/containers/\(EngineRequest.segment(id))/kill", query: [("signal", signal)],
                operation: "kill container", object: id))
    }

    /// Removes a container; `force` kills it first, `volumes` removes its anonymous volumes.
    public func removeContainer(_ id: String, force: Bool = false, volumes: Bool = false) async throws {
        try await perform(
            EngineRequest(
                .DELETE, "/containers/\(EngineRequest.segment(id))",
                query: [("force", force ? "1" : nil), ("v", volumes ? "1" : nil)],
                operation: "remove container", object: id))
    }

    /// Inspects a container; a missing one throws an `EngineError` whose `isNotFound` is true.
    public func inspectContainer(_ id: String) async throws -> ContainerInspect {
        try await decode(
            ContainerInspect.self,
            EngineRequest(
                .GET, "/containers/\(EngineRequest.segment(id))/json", operation: "inspect container", object: id))
    }

    /// Waits until a container stops (`condition`: `not-running`, `next-exit`, `removed`) and returns its exit code.
    public func waitContainer(_ id: String, condition: String? = nil) async throws -> ContainerWaitResult {
        var request = EngineRequest(
            .POST, "/containers/\(EngineRequest.segment(id))/wait", query: [("condition", condition)],
            operation: "wait for container", object: id)
        request.deadline = nil
        return try await decode(ContainerWaitResult.self, request)
    }

    /// Streams a container's output; demultiplexed unless the container has a TTY.
    public func logs(_ id: String, options: LogOptions = LogOptions()) async throws -> LogStream {
        let tty = try await inspectContainer(id).config?.tty ?? false
        let response = try await send(
            EngineRequest(
                .GET, "/containers/\(EngineRequest.segment(id))/logs",
                query: [
                    ("follow", options.follow ? "1" : "0"), ("stdout", options.stdout ? "1" : "0"),
                    ("stderr", options.stderr ? "1" : "0"), ("tail", options.tail.map(String.init) ?? "all"),
                    ("timestamps", options.timestamps ? "1" : "0"), ("since", options.since.map(String.init)),
                ],
                operation: "read logs of", object: id))
        return LogStream(body: response.body, multiplexed: !tty)
    }

    /// Extracts a tar archive into the container at `path` (which must exist).
    public func putArchive(_ id: String, path: String, archive: RequestBody, noOverwriteDirNonDir: Bool = false)
        async throws
    {
        try await perform(
            EngineRequest(
                .PUT, "/containers/\(EngineRequest.segment(id))/archive",
                query: [("path", path), ("noOverwriteDirNonDir", noOverwriteDirNonDir ? "1" : nil)],
                body: archive, operation: "copy files into container", object: id))
    }

    /// Reads a file or directory from a container as a tar archive held in memory.
    public func getArchive(_ id: String, path: String) async throws -> [UInt8] {
        try await data(
            EngineRequest(
                .GET, "/containers/\(EngineRequest.segment(id))/archive", query: [("path", path)],
                operation: "copy files from container", object: id))
    }

    /// Runs a command in a running container to completion and returns its output and exit code.
    public func exec(_ id: String, _ config: ExecConfig) async throws -> ExecResult {
        let execID = try await createExec(id, config)
        let output = try await startExec(execID, tty: config.tty ?? false).collect()
        let inspect = try await inspectExec(execID)
        return ExecResult(exitCode: inspect.exitCode ?? -1, stdout: output.stdout, stderr: output.stderr)
    }

    /// Creates an exec instance and returns its id.
    public func createExec(_ id: String, _ config: ExecConfig) async throws -> String {
        try await decode(
            IDResponse.self,
            EngineRequest(
                .POST, "/containers/\(EngineRequest.segment(id))/exec", body: try .json(config),
                operation: "exec in container", object: id)
        ).id
    }

    /// Starts an exec attached and returns its output, which ends when the command exits.
    public func startExec(_ execID: String, tty: Bool = false) async throws -> LogStream {
        struct Start: Encodable {
            var detach = false
            var tty: Bool
            enum CodingKeys: String, CodingKey {
                case detach = "Detach"
                case tty = "Tty"
            }
        }
        let response = try await send(
            EngineRequest(
                .POST, "/exec/\(EngineRequest.segment(execID))/start", body: try .json(Start(tty: tty)),
                operation: "start exec", object: execID))
        return LogStream(body: response.body, multiplexed: !tty)
    }

    /// Inspects an exec instance (exit code once it has finished).
    public func inspectExec(_ execID: String) async throws -> ExecInspect {
        try await decode(
            ExecInspect.self,
            EngineRequest(
                .GET, "/exec/\(EngineRequest.segment(execID))/json", operation: "inspect exec", object: execID))
    }
}

/// What `logs` reads.
public struct LogOptions: Sendable, Equatable {
    public var follow: Bool
    public var stdout: Bool
    public var stderr: Bool
    /// Only the last N lines; nil for all.
    public var tail: Int?
    public var timestamps: Bool
    /// Only lines after this UNIX time.
    public var since: Int?

    /// Creates log options (default: everything written so far, both streams).
    public init(
        follow: Bool = false, stdout: Bool = true, stderr: Bool = true, tail: Int? = nil, timestamps: Bool = false,
        since: Int? = nil
    ) {
        self.follow = follow
        self.stdout = stdout
        self.stderr = stderr
        self.tail = tail
        self.timestamps = timestamps
        self.since = since
    }
}
