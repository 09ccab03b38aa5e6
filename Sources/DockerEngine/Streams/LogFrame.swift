/// Which output a log or exec frame came from.
public enum OutputStream: UInt8, Sendable, Equatable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
}

/// A chunk of container output tagged with its stream.
public struct LogFrame: Sendable, Equatable {
    public var stream: OutputStream
    public var bytes: [UInt8]

    /// Creates a frame.
    public init(stream: OutputStream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }

    /// The payload as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A malformed multiplexed stream.
public struct LogFrameError: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var detail: String
    /// Renders the problem.
    public var description: String { "malformed log stream: \(detail)" }
}

/// Decodes the engine's 8-byte-header multiplexed stream (type, 3 zero bytes, big-endian UInt32 length).
public struct LogFrameDecoder: Sendable {
    private var header: [UInt8] = []
    private var current: OutputStream = .stdout
    private var remaining = 0
    private var payload: [UInt8] = []
    private var inPayload = false

    /// Creates a decoder at a frame boundary.
    public init() {}

    /// Feeds bytes and returns the frames they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(LogFrameError) -> [LogFrame]
    where Bytes.Element == UInt8 {
        var frames: [LogFrame] = []
        for byte in bytes {
            if inPayload {
                payload.append(byte)
                remaining -= 1
                if remaining == 0 {
                    frames.append(LogFrame(stream: current, bytes: payload))
                    payload = []
                    inPayload = false
                }
                continue
            }
            header.append(byte)
            guard header.count == 8 else { continue }
            guard let stream = OutputStream(rawValue: header[0]) else {
                throw LogFrameError(detail: "unknown stream type \(header[0])")
            }
            let length = header[4...7].reduce(0) { $0 << 8 | Int($1) }
            header = []
            current = stream
            if length == 0 {
                continue
            }
            remaining = length
            payload.reserveCapacity(min(length, 1 << 16))
            inPayload = true
        }
        return frames
    }

    /// Checks the stream ended at a frame boundary.
    public func finish() throws(LogFrameError) {
        if inPayload { throw LogFrameError(detail: "stream ended inside a frame (\(remaining) bytes missing)") }
        if !header.isEmpty { throw LogFrameError(detail: "stream ended inside a frame header") }
    }
}
