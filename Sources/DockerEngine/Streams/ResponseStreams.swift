import AsyncHTTPClient
import NIOCore

/// Container output as frames; ends when the engine closes the stream, stops when the consuming task is cancelled.
public struct LogStream: AsyncSequence, Sendable {
    /// Each element is one chunk of output from stdout or stderr.
    public typealias Element = LogFrame

    let body: HTTPClientResponse.Body
    /// False when the container has a TTY: the engine then sends raw bytes, all of them stdout.
    let multiplexed: Bool

    /// Starts reading the stream.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: body.makeAsyncIterator(), multiplexed: multiplexed)
    }

    /// Reads frames from the response body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator
        let multiplexed: Bool
        var decoder = LogFrameDecoder()
        var pending: [LogFrame] = []
        var finished = false

        /// The next frame, or nil at the end of the stream.
        public mutating func next() async throws -> LogFrame? {
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                if finished { return nil }
                try Task.checkCancellation()
                guard let chunk = try await source.next() else {
                    finished = true
                    if multiplexed { try decoder.finish() }
                    continue
                }
                if multiplexed {
                    pending = try decoder.feed(chunk.readableBytesView)
                } else if chunk.readableBytes > 0 {
                    pending = [LogFrame(stream: .stdout, bytes: Array(chunk.readableBytesView))]
                }
            }
        }
    }

    /// Reads the whole stream, splitting stdout from stderr.
    public func collect() async throws -> (stdout: [UInt8], stderr: [UInt8]) {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        for try await frame in self {
            if frame.stream == .stderr { stderr += frame.bytes } else { stdout += frame.bytes }
        }
        return (stdout, stderr)
    }
}

/// Engine events as they happen; stops when the consuming task is cancelled or `until` passes.
public struct EventStream: AsyncSequence, Sendable {
    /// Each element is one decoded event.
    public typealias Element = EngineEvent

    let body: HTTPClientResponse.Body

    /// Starts reading the stream.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: body.makeAsyncIterator()) }

    /// Reads events from the response body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator
        var lines = LineSplitter()
        var pending: [EngineEvent] = []
        var finished = false

        /// The next event, or nil when the engine ends the stream.
        public mutating func next() async throws -> EngineEvent? {
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                if finished { return nil }
                try Task.checkCancellation()
                var completed: [[UInt8]]
                if let chunk = try await source.next() {
                    completed = lines.feed(chunk.readableBytesView)
                } else {
                    finished = true
                    completed = lines.finish().map { [$0] } ?? []
                }
                pending = try completed.filter { !$0.isEmpty }.map { line in
                    do {
                        return try JSONCoding.decode(EngineEvent.self, from: line)
                    } catch {
                        throw EngineResponseError(operation: "read events", detail: "\(error)")
                    }
                }
            }
        }
    }
}

extension DockerClient {
    /// Reads a JSON-lines progress stream to its end, reporting each message; fails on any `errorDetail`.
    func consumeProgress(
        _ response: HTTPClientResponse, operation: String, object: String?,
        onMessage: @Sendable (StreamMessage) -> Void
    ) async throws -> ProgressResult {
        var reader = ProgressReader(operation: operation, object: object)
        for try await chunk in response.body {
            try Task.checkCancellation()
            for message in reader.feed(chunk.readableBytesView) { onMessage(message) }
        }
        let (last, result) = reader.finish()
        if let last { onMessage(last) }
        return try result.get()
    }
}
