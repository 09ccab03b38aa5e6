/// One line of a build, push, pull or import progress stream.
public struct StreamMessage: Decodable, Sendable, Equatable {
    /// Build output text (`{"stream": "Step 1/3 : FROM ..."}`).
    public var stream: String?
    /// Progress status (`{"status": "Pushing", "id": "abc123", "progress": "[==> ]"}`).
    public var status: String?
    public var id: String?
    public var progress: String?
    public var progressDetail: ProgressDetail?
    /// Auxiliary result: the built image id, the pushed digest.
    public var aux: Aux?
    /// The failure text, present together with `errorDetail` when the operation failed.
    public var error: String?
    public var errorDetail: ErrorDetail?

    /// Creates a message (used by tests and callers that synthesize progress).
    public init(
        stream: String? = nil, status: String? = nil, id: String? = nil, progress: String? = nil,
        aux: Aux? = nil, error: String? = nil, errorDetail: ErrorDetail? = nil
    ) {
        self.stream = stream
        self.status = status
        self.id = id
        self.progress = progress
        self.aux = aux
        self.error = error
        self.errorDetail = errorDetail
    }

    /// Byte counts behind a progress bar.
    public struct ProgressDetail: Decodable, Sendable, Equatable {
        public var current: Int64?
        public var total: Int64?
    }

    /// The `aux` object: `ID` after a build, `Digest`/`Tag`/`Size` after a push.
    public struct Aux: Decodable, Sendable, Equatable {
        public var id: String?
        public var digest: String?
        public var tag: String?
        public var size: Int64?

        /// Creates an aux object.
        public init(id: String? = nil, digest: String? = nil, tag: String? = nil, size: Int64? = nil) {
            self.id = id
            self.digest = digest
            self.tag = tag
            self.size = size
        }

        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case digest = "Digest"
            case tag = "Tag"
            case size = "Size"
        }
    }

    /// The engine's structured error.
    public struct ErrorDetail: Decodable, Sendable, Equatable {
        public var code: Int?
        public var message: String?

        /// Creates an error detail.
        public init(code: Int? = nil, message: String?) {
            self.code = code
            self.message = message
        }
    }

    /// The failure message when this line reports one.
    public var failureMessage: String? {
        if let message = errorDetail?.message, !message.isEmpty { return message }
        if let error, !error.isEmpty { return error }
        return nil
    }
}

/// Splits a byte stream into lines, whatever the chunk boundaries.
struct LineSplitter: Sendable {
    private var partial: [UInt8] = []

    /// Feeds bytes and returns the lines they complete (without `\n` or `\r\n`).
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [[UInt8]] where Bytes.Element == UInt8 {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
                lines.append(partial)
                partial.removeAll(keepingCapacity: true)
            } else {
                partial.append(byte)
            }
        }
        return lines
    }

    /// Returns the unterminated last line, if any, at the end of the stream.
    mutating func finish() -> [UInt8]? {
        defer { partial = [] }
        if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
        return partial.isEmpty ? nil : partial
    }
}

/// Decodes the engine's JSON-lines progress stream incrementally; fed arbitrary chunks.
public struct JSONMessageDecoder: Sendable {
    private var lines = LineSplitter()

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Feeds bytes and returns the messages completed by them.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [StreamMessage] where Bytes.Element == UInt8 {
        lines.feed(bytes).compactMap(Self.message(from:))
    }

    /// Returns the last message when the stream ended without a newline.
    public mutating func finish() -> StreamMessage? {
        lines.finish().flatMap(Self.message(from:))
    }

    /// Decodes one line; a line that is not JSON is kept as plain `stream` text rather than lost.
    static func message(from line: [UInt8]) -> StreamMessage? {
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return nil }
        if let message = try? JSONCoding.decode(StreamMessage.self, from: line) { return message }
        return StreamMessage(stream: String(decoding: line, as: UTF8.self) + "\n")
    }
}

/// What a finished progress stream produced: the built image id, the pushed digest.
public struct ProgressResult: Sendable, Equatable {
    /// The last `aux.ID` (build), if any.
    public var imageID: String?
    /// The short id from a legacy `Successfully built <id>` line, if any.
    public var builtShortID: String?
    /// The last `aux.Digest` (push), if any.
    public var digest: String?
}

/// Follows a build/push/import progress stream: decodes messages and remembers the outcome.
///
/// The engine answers 200 before the work starts, so failure arrives as an `errorDetail` line; `finish()`
/// turns the first such line into an `EngineError` carrying the engine's message.
public struct ProgressReader: Sendable {
    private var decoder = JSONMessageDecoder()
    private var result = ProgressResult()
    private var failure: String?
    /// The operation named in a failure, e.g. "build".
    public let operation: String
    /// The object named in a failure, e.g. the image tag.
    public let object: String?

    /// Creates a reader for one stream.
    public init(operation: String, object: String?) {
        self.operation = operation
        self.object = object
    }

    /// Feeds bytes and returns the messages they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [StreamMessage] where Bytes.Element == UInt8 {
        let messages = decoder.feed(bytes)
        for message in messages { observe(message) }
        return messages
    }

    /// Ends the stream: returns a last unterminated message, if any, and the outcome.
    public mutating func finish() -> (last: StreamMessage?, result: Result<ProgressResult, EngineError>) {
        let last = decoder.finish()
        if let last { observe(last) }
        if let failure {
            return (last, .failure(EngineError(operation: operation, object: object, status: 200, message: failure)))
        }
        return (last, .success(result))
    }

    private mutating func observe(_ message: StreamMessage) {
        if failure == nil, let text = message.failureMessage { failure = text.trimmingTrailingNewlines() }
        if let id = message.aux?.id { result.imageID = id }
        if let digest = message.aux?.digest { result.digest = digest }
        if let text = message.stream, text.hasPrefix("Successfully built ") {
            result.builtShortID = String(text.dropFirst("Successfully built ".count)).trimmingWhitespace()
        }
    }
}
