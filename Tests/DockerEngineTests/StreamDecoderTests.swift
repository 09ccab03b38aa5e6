import DockerEngine
import Testing

@Suite struct StreamDecoderTests {
    static let buildStream = Array(
        """
        {"stream":"Step 1/2 : FROM base\\n"}\r
        {"stream":" ---\\u003e 1234\\n"}\r
        {"status":"Pushing","id":"abc","progressDetail":{"current":5,"total":10},"progress":"[=====>     ]"}
        {"aux":{"ID":"sha256:feedbeef"}}

        {"stream":"Successfully built feedbeef\\n"}
        """.utf8)

    static func decodeAll(_ chunks: [ArraySlice<UInt8>]) -> [StreamMessage] {
        var decoder = JSONMessageDecoder()
        var messages: [StreamMessage] = []
        for chunk in chunks { messages += decoder.feed(chunk) }
        if let last = decoder.finish() { messages.append(last) }
        return messages
    }

    @Test func jsonLinesDecodeTheSameWhereverTheInputIsSplit() {
        let whole = Self.decodeAll([Self.buildStream[...]])
        #expect(whole.count == 5)
        #expect(whole[0].stream == "Step 1/2 : FROM base\n")
        #expect(whole[1].stream == " ---> 1234\n")
        #expect(whole[2].status == "Pushing")
        #expect(whole[2].id == "abc")
        #expect(whole[2].progressDetail?.total == 10)
        #expect(whole[3].aux?.id == "sha256:feedbeef")
        #expect(whole[4].stream == "Successfully built feedbeef\n")
        for split in 0...Self.buildStream.count {
            let chunks = [Self.buildStream[..<split], Self.buildStream[split...]]
            #expect(Self.decodeAll(chunks) == whole, "split at \(split)")
        }
        let byteByByte = Self.buildStream.indices.map { Self.buildStream[$0..<($0 + 1)] }
        #expect(Self.decodeAll(byteByByte) == whole)
    }

    @Test func aLineThatIsNotJSONIsKeptAsText() {
        let messages = Self.decodeAll([Array("not json\n".utf8)[...]])
        #expect(messages == [StreamMessage(stream: "not json\n")])
    }

    @Test func errorDetailInASuccessfulAnswerBecomesAFailureWithTheEnginesMessage() {
        let input = Array(
            """
            {"stream":"Step 2/2 : RUN false\\n"}
            {"stream":" ---\\u003e Running in 99\\n"}
            {"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"The command '/bin/sh -c false' returned a non-zero code: 1"}
            """.utf8)
        for split in 0...input.count {
            var reader = ProgressReader(operation: "build", object: "app:latest")
            var seen = reader.feed(input[..<split])
            seen += reader.feed(input[split...])
            let (last, result) = reader.finish()
            if let last { seen.append(last) }
            #expect(seen.count == 3)
            let expected = EngineError(
                operation: "build", object: "app:latest", status: 200,
                message: "The command '/bin/sh -c false' returned a non-zero code: 1")
            #expect(result == .failure(expected), "split at \(split)")
        }
    }

    @Test func aSuccessfulStreamReportsTheImageIDAndDigest() throws {
        var reader = ProgressReader(operation: "build", object: nil)
        _ = reader.feed(Self.buildStream + [10])
        _ = reader.feed(Array(#"{"status":"latest: digest: sha256:d1 size: 528"}"#.utf8) + [10])
        _ = reader.feed(Array(#"{"aux":{"Tag":"latest","Digest":"sha256:d1","Size":528}}"#.utf8))
        let result = try reader.finish().result.get()
        #expect(result.imageID == "sha256:feedbeef")
        #expect(result.builtShortID == "feedbeef")
        #expect(result.digest == "sha256:d1")
    }

    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let length = UInt32(payload.count)
        return [
            stream, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff),
            UInt8(length & 0xff),
        ] + payload
    }

    static func decodeFrames(_ chunks: [ArraySlice<UInt8>]) throws -> [LogFrame] {
        var decoder = LogFrameDecoder()
        var frames: [LogFrame] = []
        for chunk in chunks { frames += try decoder.feed(chunk) }
        try decoder.finish()
        return frames
    }

    @Test func logFramesDecodeTheSameWhereverTheInputIsSplit() throws {
        let long = String(repeating: "x", count: 300)
        let input = Self.frame(1, "hello\n") + Self.frame(2, "warn\n") + Self.frame(1, "") + Self.frame(1, long)
        let expected = [
            LogFrame(stream: .stdout, bytes: Array("hello\n".utf8)),
            LogFrame(stream: .stderr, bytes: Array("warn\n".utf8)),
            LogFrame(stream: .stdout, bytes: Array(long.utf8)),
        ]
        for split in 0...input.count {
            #expect(try Self.decodeFrames([input[..<split], input[split...]]) == expected, "split at \(split)")
        }
        #expect(try Self.decodeFrames(input.indices.map { input[$0..<($0 + 1)] }) == expected)
    }

    @Test func aTruncatedFrameOrUnknownStreamIsAnError() {
        let truncated = Array(Self.frame(1, "hello").dropLast())
        #expect(throws: LogFrameError.self) { try Self.decodeFrames([truncated[...]]) }
        #expect(throws: LogFrameError.self) { try Self.decodeFrames([Self.frame(7, "x")[...]]) }
    }
}
