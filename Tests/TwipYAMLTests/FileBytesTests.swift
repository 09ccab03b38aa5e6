import Foundation
import Testing
import TwipYAML

/// Files are read only when they are regular files within the limit; devices and pipes are never read.
@Suite struct FileBytesTests {
    @Test(arguments: [("/dev/zero", "a character device"), ("/tmp", "a directory")])
    func onlyRegularFilesAreRead(path: String, kind: String) {
        #expect(FileBytes.load(path, limit: 1 << 20) == .failure(.init(message: "not a regular file (\(kind))")))
    }

    @Test func aPipeIsRefusedWithoutWaitingForAWriter() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-fifo-\(UUID())").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(FileBytes.load(path, limit: 1 << 20) == .failure(.init(message: "not a regular file (a pipe)")))
    }

    @Test func aFileOverTheLimitIsRefusedAndOneAtTheLimitIsRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-size-\(UUID())").path
        try Data(repeating: 0x61, count: 1024).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        #expect(FileBytes.load(path, limit: 1023) == .failure(.init(message: "it is larger than 1023 bytes")))
        #expect(FileBytes.load(path, limit: 1024) == .success(Array(repeating: 0x61, count: 1024)))
    }

    @Test func aMissingFileSaysSo() {
        #expect(
            FileBytes.load("/nonexistent/twiptest-file", limit: 1)
                == .failure(.init(message: "No such file or directory", isMissing: true)))
    }

    @Test func aliasesCopyingTooMuchTextAreRejectedAtTheAlias() {
        let text = "a: &a \"\(String(repeating: "x", count: 1000))\"\nb: [*a, *a, *a]\n"
        let error = rejection(Array(text.utf8), limits: YAMLLimits(maxAliasExpansionBytes: 2500))
        #expect(error?.description == "stack.yml:2:13: b[2]: alias expansion exceeds 2500 bytes of text")
    }
}
