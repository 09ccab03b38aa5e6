import Foundation
import Testing

@testable import TwipBench

@Suite struct BenchMarkTests {
    static let readAt = 1_764_500_000.25

    @Test(arguments: [
        ("release started", BenchMark(time: readAt, label: "release started")),
        ("1764571893.123456 node killed", BenchMark(time: 1_764_571_893.123456, label: "node killed")),
        ("1764571893\t  replicas back  ", BenchMark(time: 1_764_571_893, label: "replicas back")),
        ("3 replicas back", BenchMark(time: readAt, label: "3 replicas back")),
        ("1764571893.x is not a time", BenchMark(time: readAt, label: "1764571893.x is not a time")),
        ("1764571893.5", BenchMark(time: 1_764_571_893.5, label: "mark")),
        ("scale up\r", BenchMark(time: readAt, label: "scale up")),
    ])
    func aLineIsAMarkWithOrWithoutItsTime(line: String, expected: BenchMark) {
        #expect(BenchMarkParser.mark(fromLine: Array(line.utf8), stampedAt: Self.readAt) == expected)
    }

    @Test(arguments: ["", "   ", "# a comment", "  # indented comment", "\r"])
    func blankLinesAndCommentsAreNoMarks(line: String) {
        #expect(BenchMarkParser.mark(fromLine: Array(line.utf8), stampedAt: Self.readAt) == nil)
    }

    @Test func aLineSplitAcrossReadsIsStampedWhenItsFirstByteArrived() {
        var parser = BenchMarkParser()
        #expect(parser.feed(Array("scale ".utf8), now: 10).isEmpty)
        #expect(parser.feed(Array("up\nscale".utf8), now: 11) == [BenchMark(time: 10, label: "scale up")])
        #expect(parser.feed(Array(" down\n".utf8), now: 12) == [BenchMark(time: 11, label: "scale down")])
        #expect(parser.feed(Array("back to 1".utf8), now: 13).isEmpty)
        #expect(parser.finish(now: 14) == [BenchMark(time: 13, label: "back to 1")])
        #expect(parser.finish(now: 15).isEmpty)
    }

    @Test func theParserTakesEveryLineWhateverTheByteBoundaries() {
        let text = "1764571893.25 one\ntwo\n# skip\n\nthree\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var parser = BenchMarkParser()
            let marks = parser.feed(bytes[..<split], now: 1) + parser.feed(bytes[split...], now: 1)
            #expect(marks.map(\.label) == ["one", "two", "three"], "split at \(split)")
        }
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-marks-\(UUID().uuidString)").path
    }

    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    @Test func theReaderFollowsAFileCreatedAfterTheRunStartedAndWrittenInPieces() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = BenchMarkReader(source: .file(path))
        reader.start()
        try await Task.sleep(for: .milliseconds(150))
        let beforeFirst = Date().timeIntervalSince1970
        try Self.append("first\n1764000000.5 stamped by the writer\npart", to: path)
        try await Task.sleep(for: .milliseconds(150))
        let afterFirst = Date().timeIntervalSince1970
        try Self.append("ial line\n# not a mark\n", to: path)
        try await Task.sleep(for: .milliseconds(150))
        try Self.append("last, without newline", to: path)
        try await Task.sleep(for: .milliseconds(150))
        let marks = await reader.stop()
        #expect(reader.sawSource)
        #expect(marks.map(\.label) == ["stamped by the writer", "first", "partial line", "last, without newline"])
        #expect(marks[0].time == 1_764_000_000.5)
        #expect(marks[1].time >= beforeFirst && marks[1].time <= afterFirst)
        #expect(marks[2].time >= beforeFirst && marks[2].time <= afterFirst)
    }

    @Test func aReplacedOrTruncatedFileIsReadAgainFromItsStart() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.append("first one\n", to: path)
        let reader = BenchMarkReader(source: .file(path))
        reader.start()
        try await Task.sleep(for: .milliseconds(150))
        // A script that rewrites the file with `echo ... > marks` truncates it.
        try Data("two\n".utf8).write(to: URL(fileURLWithPath: path))
        try await Task.sleep(for: .milliseconds(150))
        // One that moves a new file over it replaces the inode.
        let other = path + ".new"
        try Data("three\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, path) == 0)
        try await Task.sleep(for: .milliseconds(150))
        let marks = await reader.stop()
        #expect(marks.map(\.label) == ["first one", "two", "three"])
    }

    @Test func aFileThatNeverAppearsGivesNoMarksAndSaysSo() async throws {
        let reader = BenchMarkReader(source: .file(Self.temporaryPath()))
        reader.start()
        try await Task.sleep(for: .milliseconds(80))
        #expect(await reader.stop().isEmpty)
        #expect(!reader.sawSource)
    }
}
