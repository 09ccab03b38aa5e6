import Testing

@testable import TwipBench

/// Feeds `text` to a fresh parser in the given pieces and returns the first result that is not `.needMore`.
private func parse(
    _ pieces: [ArraySlice<UInt8>], isHead: Bool = false, captureServer: Bool = true, closeAtEnd: Bool = false
) -> ResponseParser.Result {
    var parser = ResponseParser(isHead: isHead, captureServer: captureServer)
    for piece in pieces {
        let result = Array(piece).withUnsafeBytes { parser.parse($0) }
        if result != .needMore { return result }
    }
    return closeAtEnd ? parser.endOfInput() : .needMore
}

/// Every way to cut `bytes` in two, plus one byte at a time.
private func splits(_ bytes: [UInt8]) -> [[ArraySlice<UInt8>]] {
    var all: [[ArraySlice<UInt8>]] = (0...bytes.count).map { [bytes[..<$0], bytes[$0...]] }
    all.append(bytes.indices.map { bytes[$0...$0] })
    return all
}

struct ParserCase: Sendable, CustomTestStringConvertible {
    var name: String
    var raw: String
    var isHead = false
    var closeAtEnd = false
    var expected: ResponseParser.Response
    var testDescription: String { name }
}

@Suite struct ResponseParserTests {
    static let cases: [ParserCase] = [
        ParserCase(
            name: "content-length",
            raw: "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 5\r\n\r\nhello",
            expected: .init(status: 200, keepAlive: true, bodyLength: 5, receivedLength: 65, server: "nginx/1.22.1")),
        ParserCase(
            name: "headers nobody needs between those that matter",
            raw: "HTTP/1.1 200 OK\r\nDate: Sat, 21 Nov 2026 23:00:00 GMT\r\nServer: nginx\r\nX-Odd: a:b\r\n"
                + "Content-Length: 3\r\nETag: \"5f-1\"\r\nConnection: close\r\n\r\nabc",
            expected: .init(status: 200, keepAlive: false, bodyLength: 3, receivedLength: 138, server: "nginx")),
        ParserCase(
            name: "chunked with extension and trailer",
            raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\nA\r\n0123456789\r\n0\r\n"
                + "Trailer: 1\r\n\r\n",
            expected: .init(status: 200, keepAlive: true, bodyLength: 14, receivedLength: 92)),
        ParserCase(
            name: "connection close",
            raw: "HTTP/1.1 404 Not Found\r\nconnection: Close\r\ncontent-length: 3\r\n\r\nnop",
            expected: .init(status: 404, keepAlive: false, bodyLength: 3, receivedLength: 67)),
        ParserCase(
            name: "HTTP/1.0 keep-alive",
            raw: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
            expected: .init(status: 200, keepAlive: true, bodyLength: 2, receivedLength: 64)),
        ParserCase(
            name: "body until close",
            raw: "HTTP/1.0 200 OK\r\n\r\nstream until the end",
            closeAtEnd: true,
            expected: .init(status: 200, keepAlive: false, bodyLength: 20, receivedLength: 39)),
        ParserCase(
            name: "HEAD ignores the announced length",
            raw: "HTTP/1.1 200 OK\r\nContent-Length: 612\r\n\r\n",
            isHead: true,
            expected: .init(status: 200, keepAlive: true, bodyLength: 0, receivedLength: 40)),
        ParserCase(
            name: "204 has no body",
            raw: "HTTP/1.1 204 No Content\r\n\r\n",
            expected: .init(status: 204, keepAlive: true, bodyLength: 0, receivedLength: 27)),
        ParserCase(
            name: "interim 100 Continue before the response",
            raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx",
            expected: .init(status: 201, keepAlive: true, bodyLength: 1, receivedLength: 69)),
        ParserCase(
            name: "bare LF line endings and no reason phrase",
            raw: "HTTP/1.1 500\nContent-Length: 0\n\n",
            expected: .init(status: 500, keepAlive: true, bodyLength: 0, receivedLength: 32)),
    ]

    @Test(arguments: cases)
    func parsesTheSameResponseWhereverTheInputIsSplit(_ testCase: ParserCase) {
        let bytes = Array(testCase.raw.utf8)
        #expect(testCase.expected.receivedLength == bytes.count)
        for pieces in splits(bytes) {
            let result = parse(pieces, isHead: testCase.isHead, closeAtEnd: testCase.closeAtEnd)
            let consumed = testCase.closeAtEnd ? 0 : pieces.last(where: { !$0.isEmpty }).map { $0.count } ?? 0
            guard case .complete(let response, let used) = result else {
                Issue.record("no response for split \(pieces.map(\.count)): \(result)")
                return
            }
            #expect(response == testCase.expected, "split \(pieces.map(\.count))")
            if !testCase.closeAtEnd { #expect(used == consumed, "split \(pieces.map(\.count))") }
        }
    }

    @Test func stopsAtTheEndOfAResponseSoPipelinedBytesAreLeft() {
        let raw = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n".utf8)
        var parser = ResponseParser()
        let result = raw.withUnsafeBytes { parser.parse($0) }
        guard case .complete(let response, let consumed) = result else {
            Issue.record("expected a response, got \(result)")
            return
        }
        #expect(response.bodyLength == 2)
        #expect(consumed == 40)
    }

    @Test func resetParsesTheNextResponseOnTheSameConnection() {
        var parser = ResponseParser()
        let first = Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na".utf8)
        let second = Array("HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8)
        _ = first.withUnsafeBytes { parser.parse($0) }
        parser.reset()
        let result = second.withUnsafeBytes { parser.parse($0) }
        #expect(
            result == .complete(.init(status: 503, keepAlive: true, bodyLength: 0, receivedLength: 54), consumed: 54))
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 20",
    ])
    func aConnectionClosedMidResponseIsClosedEarly(_ raw: String) {
        for pieces in splits(Array(raw.utf8)) {
            #expect(parse(pieces, closeAtEnd: true) == .failed(.closedEarly))
        }
    }

    @Test(arguments: [
        "SSH-2.0-OpenSSH_9.2\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX",
    ])
    func malformedResponsesFailWhereverTheInputIsSplit(_ raw: String) {
        for pieces in splits(Array(raw.utf8)) {
            guard case .failed(.malformed) = parse(pieces) else {
                Issue.record("\(raw.debugDescription) split \(pieces.map(\.count)) did not fail")
                return
            }
        }
    }
}
