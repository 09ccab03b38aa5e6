/// An incremental HTTP/1.x response parser that keeps only what a load generator needs.
///
/// It reads the status line and the headers that matter (Content-Length, Transfer-Encoding,
/// Connection, Server), then counts and discards the body (fixed length, chunked, or until the
/// server closes). Input may arrive split at any byte; nothing but the current header line is
/// buffered.
public struct ResponseParser: Sendable {
    /// What the parser learned about a complete response.
    public struct Response: Equatable, Sendable {
        /// The status code, e.g. 200.
        public var status: Int
        /// Whether the server allows the connection to carry another request.
        public var keepAlive: Bool
        /// The body length in bytes after chunked decoding.
        public var bodyLength: Int
        /// Bytes of the whole response as received (status line, headers, framing, body).
        public var receivedLength: Int
        /// The `Server` header, captured only when the parser was asked to.
        public var server: String?

        /// A response summary; tests build expected values with it.
        public init(status: Int, keepAlive: Bool, bodyLength: Int, receivedLength: Int, server: String? = nil) {
            self.status = status
            self.keepAlive = keepAlive
            self.bodyLength = bodyLength
            self.receivedLength = receivedLength
            self.server = server
        }
    }

    /// Why a response could not be parsed.
    public enum Failure: Error, Equatable, Sendable {
        /// The status line or a header was not HTTP.
        case malformed(String)
        /// The connection closed before the response was complete.
        case closedEarly
    }

    /// The outcome of feeding bytes to the parser.
    public enum Result: Equatable, Sendable {
        /// More bytes are needed.
        case needMore
        /// A response ended after `consumed` bytes of the input; the rest belongs to the next one.
        case complete(Response, consumed: Int)
        /// The bytes are not an HTTP response.
        case failed(Failure)
    }

    private enum State: Sendable {
        case statusLine
        case headerLine
        /// The rest of a header line nobody needs (Date, ETag...), skipped without buffering.
        case skippedHeaderLine
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkExtension
        case chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLine
        case untilClose
        case done
        case failed
    }

    private static let maximumLineLength = 16 * 1024

    private var state: State = .statusLine
    private var line: [UInt8] = []
    private var status = 0
    private var isHTTP10 = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var contentLength: Int?
    private var chunked = false
    private var bodyLength = 0
    private var receivedLength = 0
    private var chunkRemaining = 0
    private var server: String?
    private var expectsNoBody: Bool
    private var captureServer: Bool
    private var headerNameChecked = false

    /// A parser for one response; `isHead` because HEAD responses carry no body whatever they
    /// announce, `captureServer` to keep the `Server` header (costs one string per response).
    public init(isHead: Bool = false, captureServer: Bool = false) {
        self.expectsNoBody = isHead
        self.captureServer = captureServer
        self.line.reserveCapacity(256)
    }

    /// Resets the parser for the next response on the same connection, keeping its line buffer.
    public mutating func reset(isHead: Bool = false, captureServer: Bool = false) {
        state = .statusLine
        line.removeAll(keepingCapacity: true)
        status = 0
        isHTTP10 = false
        connectionClose = false
        connectionKeepAlive = false
        contentLength = nil
        chunked = false
        bodyLength = 0
        receivedLength = 0
        chunkRemaining = 0
        server = nil
        expectsNoBody = isHead
        self.captureServer = captureServer
        headerNameChecked = false
    }

    /// Feeds `bytes`; stops at the end of a response so pipelined bytes are left to the caller.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> Result {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .statusLine, .headerLine, .trailerLine:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\n") {
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    if let failure = endOfLine() {
                        state = .failed
                        return .failed(failure)
                    }
                    line.removeAll(keepingCapacity: true)
                    headerNameChecked = false
                    if case .done = state {
                        receivedLength += index
                        return .complete(response(), consumed: index)
                    }
                } else {
                    guard line.count < Self.maximumLineLength else {
                        state = .failed
                        return .failed(.malformed("header line longer than \(Self.maximumLineLength) bytes"))
                    }
                    line.append(byte)
                    if byte == UInt8(ascii: ":"), case .headerLine = state, !headerNameChecked, line.count > 1 {
                        headerNameChecked = true
                        if !isWantedHeader(line[0..<(line.count - 1)]) {
                            line.removeAll(keepingCapacity: true)
                            state = .skippedHeaderLine
                        }
                    }
                }
            case .skippedHeaderLine:
                while index < count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                if index < count {
                    index += 1
                    state = .headerLine
                    headerNameChecked = false
                }
            case .fixedBody(let remaining):
                let take = min(remaining, count - index)
                index += take
                bodyLength += take
                if take == remaining {
                    state = .done
                    receivedLength += index
                    return .complete(response(), consumed: index)
                }
                state = .fixedBody(remaining: remaining - take)
            case .chunkSize:
                let byte = bytes[index]
                index += 1
                if let digit = Self.hexValue(byte) {
                    guard chunkRemaining < (Int.max >> 8) else {
                        state = .failed
                        return .failed(.malformed("chunk size too large"))
                    }
                    chunkRemaining = chunkRemaining << 4 | digit
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    state = .chunkExtension
                } else if byte == UInt8(ascii: "\r") {
                    state = .chunkSizeLF
                } else if byte == UInt8(ascii: "\n") {
                    endOfChunkSize()
                } else {
                    state = .failed
                    return .failed(.malformed("invalid chunk size"))
                }
            case .chunkExtension:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\r") {
                    state = .chunkSizeLF
                } else if byte == UInt8(ascii: "\n") {
                    endOfChunkSize()
                }
            case .chunkSizeLF:
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\n") else {
                    state = .failed
                    return .failed(.malformed("chunk size line not ended by CRLF"))
                }
                endOfChunkSize()
            case .chunkData(let remaining):
                let take = min(remaining, count - index)
                index += take
                bodyLength += take
                state = take == remaining ? .chunkDataCR : .chunkData(remaining: remaining - take)
            case .chunkDataCR:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\r") {
                    state = .chunkDataLF
                } else if byte == UInt8(ascii: "\n") {
                    state = .chunkSize
                } else {
                    state = .failed
                    return .failed(.malformed("chunk data not followed by CRLF"))
                }
            case .chunkDataLF:
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\n") else {
                    state = .failed
                    return .failed(.malformed("chunk data not followed by CRLF"))
                }
                state = .chunkSize
            case .untilClose:
                bodyLength += count - index
                index = count
            case .done:
                return .complete(response(), consumed: 0)
            case .failed:
                return .failed(.malformed("parser used after a failure"))
            }
        }
        receivedLength += count
        return .needMore
    }

    /// Tells the parser the server closed the connection; completes a read-until-close body.
    public mutating func endOfInput() -> Result {
        switch state {
        case .untilClose:
            state = .done
            return .complete(response(), consumed: 0)
        case .done:
            return .complete(response(), consumed: 0)
        default:
            state = .failed
            return .failed(.closedEarly)
        }
    }

    /// Whether any byte of a response has been seen.
    public var hasStarted: Bool {
        if case .statusLine = state { return !line.isEmpty }
        return true
    }

    private func response() -> Response {
        let keepAlive: Bool
        if case .untilClose = state {
            keepAlive = false
        } else if isHTTP10 {
            keepAlive = connectionKeepAlive && !connectionClose
        } else {
            keepAlive = !connectionClose
        }
        return Response(
            status: status, keepAlive: keepAlive, bodyLength: bodyLength, receivedLength: receivedLength,
            server: server)
    }

    private mutating func endOfChunkSize() {
        if chunkRemaining == 0 {
            state = .trailerLine
        } else {
            state = .chunkData(remaining: chunkRemaining)
            chunkRemaining = 0
        }
    }

    /// Handles one complete line (without CRLF) in the status, header or trailer state.
    private mutating func endOfLine() -> Failure? {
        switch state {
        case .statusLine:
            return parseStatusLine()
        case .trailerLine:
            if line.isEmpty { state = .done }
            return nil
        case .headerLine:
            if line.isEmpty { return endOfHeaders() }
            return parseHeader()
        default:
            return nil
        }
    }

    private static let versionPrefix: [UInt8] = Array("HTTP/1.".utf8)

    private mutating func parseStatusLine() -> Failure? {
        // "HTTP/1.1 200 OK": version, space, three digits, then an optional reason.
        guard line.count >= 12, line.starts(with: Self.versionPrefix), line[8] == UInt8(ascii: " ") else {
            return .malformed("not an HTTP/1.x status line")
        }
        isHTTP10 = line[7] == UInt8(ascii: "0")
        var code = 0
        for byte in line[9..<12] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                return .malformed("status code is not three digits")
            }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard line.count == 12 || line[12] == UInt8(ascii: " ") else {
            return .malformed("status code is not three digits")
        }
        status = code
        state = .headerLine
        return nil
    }

    private mutating func parseHeader() -> Failure? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            return .malformed("header line without a name")
        }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        let name = line[0..<colon]
        let value = line[start..<end]
        if Self.equalsIgnoringCase(name, "content-length") {
            var length = 0
            guard !value.isEmpty else { return .malformed("empty Content-Length") }
            for byte in value {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), length < Int.max / 10 - 10 else {
                    return .malformed("invalid Content-Length")
                }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
            }
            if let previous = contentLength, previous != length { return .malformed("conflicting Content-Length") }
            contentLength = length
        } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
            chunked = Self.containsToken(value, "chunked")
        } else if Self.equalsIgnoringCase(name, "connection") {
            if Self.containsToken(value, "close") { connectionClose = true }
            if Self.containsToken(value, "keep-alive") { connectionKeepAlive = true }
        } else if captureServer, Self.equalsIgnoringCase(name, "server") {
            server = String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    /// Whether a header's value matters to the parser (other headers are skipped unbuffered).
    private func isWantedHeader(_ name: ArraySlice<UInt8>) -> Bool {
        Self.equalsIgnoringCase(name, "content-length") || Self.equalsIgnoringCase(name, "transfer-encoding")
            || Self.equalsIgnoringCase(name, "connection")
            || (captureServer && Self.equalsIgnoringCase(name, "server"))
    }

    private mutating func endOfHeaders() -> Failure? {
        if (100..<200).contains(status) {
            // An interim response (100 Continue): the real one follows on the same connection.
            let received = receivedLength
            reset(isHead: expectsNoBody, captureServer: captureServer)
            receivedLength = received
            return nil
        }
        if expectsNoBody || status == 204 || status == 304 {
            state = .done
        } else if chunked {
            state = .chunkSize
        } else if let contentLength {
            state = contentLength == 0 ? .done : .fixedBody(remaining: contentLength)
        } else {
            state = .untilClose
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Compares ASCII bytes to a lowercase literal without allocating.
    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            var offset = 0
            for byte in bytes {
                if lowercased(byte) != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    /// Whether a comma-separated header value holds `token` (ASCII, case-insensitive).
    private static func containsToken(_ value: ArraySlice<UInt8>, _ token: StaticString) -> Bool {
        for part in value.split(separator: UInt8(ascii: ",")) {
            var trimmed = part[...]
            while let first = trimmed.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                trimmed = trimmed.dropFirst()
            }
            while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                trimmed = trimmed.dropLast()
            }
            if equalsIgnoringCase(trimmed, token) { return true }
        }
        return false
    }
}
