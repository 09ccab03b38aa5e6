import DockerEngine
import Foundation
import Testing

@Suite struct TarStreamTests {
    static func run(_ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        #expect(process.terminationStatus == 0, "tar \(arguments): \(text)")
        return text
    }

    @Test func systemTarReadsBackLongNamesSymlinksModesAndContents() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twiptest-engine-tar-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        let source = base + "/src"
        let out = base + "/out"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let longDirectory = String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 90)
        try FileManager.default.createDirectory(atPath: source + "/" + longDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let longFile = longDirectory + "/" + String(repeating: "f", count: 120) + ".txt"
        let big = [UInt8]((0..<200_000).map { UInt8($0 % 251) })
        try Data(big).write(to: URL(fileURLWithPath: source + "/" + longFile))
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: source + "/run.sh"))
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: source + "/run.sh")
        try FileManager.default.createSymbolicLink(atPath: source + "/link", withDestinationPath: longFile)

        let archive = try await DirectoryArchive(root: source, fixedMtime: 1_700_000_000).stream().collect()
        #expect(archive.count % 512 == 0)
        try Data(archive).write(to: URL(fileURLWithPath: base + "/a.tar"))

        let listing = try Self.run(["-tf", base + "/a.tar"], in: base)
        #expect(listing.split(separator: "\n").contains(Substring(longFile)))
        _ = try Self.run(["-xf", base + "/a.tar", "-C", out], in: base)
        #expect(FileManager.default.contents(atPath: out + "/" + longFile) == Data(big))
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/run.sh")
        #expect((attributes[.posixPermissions] as? Int) == 0o750)
        #expect((attributes[.modificationDate] as? Date) == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/link") == longFile)
    }

    @Test func aSingleInMemoryFileMakesAValidArchive() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twiptest-engine-tar1-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let archive = try await TarStream(items: [.file("haproxy.cfg", contents: Array("global\n".utf8), mode: 0o600)])
            .collect()
        try Data(archive).write(to: URL(fileURLWithPath: base + "/one.tar"))
        _ = try Self.run(["-xf", "one.tar"], in: base)
        #expect(FileManager.default.contents(atPath: base + "/haproxy.cfg") == Data("global\n".utf8))
    }
}
