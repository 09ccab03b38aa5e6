import DockerEngine
import Foundation
import Testing

@Suite struct DockerIgnoreTests {
    @Test(arguments: [
        ("node_modules", "node_modules", true),
        ("node_modules", "node_modules/a/b.js", true),
        ("node_modules", "src/node_modules", false),
        ("*.md", "README.md", true),
        ("*.md", "docs/README.md", false),
        ("**/*.md", "docs/deep/README.md", true),
        ("**/*.md", "README.md", true),
        ("docs/**", "docs/a/b", true),
        ("docs/**", "docsx/a", false),
        ("**", "anything/at/all", true),
        ("a/**/b", "a/b", true),
        ("a/**/b", "a/x/y/b", true),
        ("a/**/b", "a/x/y/c", false),
        ("/build", "build/out.o", true),
        ("./build", "build", true),
        ("build/", "build/out.o", true),
        ("te?t", "test", true),
        ("te?t", "te/t", false),
        ("[a-c]at", "bat", true),
        ("[a-c]at", "dat", false),
        ("[^a-c]at", "dat", true),
        ("*/temp*", "somedir/temporary.txt", true),
        ("*/temp*", "somedir/sub/temporary.txt", false),
        ("# comment", "# comment", false),
        ("*.log\n!keep.log", "keep.log", false),
        ("*.log\n!keep.log", "drop.log", true),
        ("!keep.log\n*.log", "keep.log", true),
        ("secret\n!secret/public", "secret/public/x", false),
        ("secret\n!secret/public", "secret/private", true),
        ("  spaced  \n\n", "spaced", true),
    ])
    func patternsMatchLikeDocker(patterns: String, path: String, excluded: Bool) {
        #expect(DockerIgnore(contents: patterns).excludes(path) == excluded)
    }

    @Test func theDockerfileAndDockerignoreAreAlwaysSent() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twiptest-engine-ignore-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: directory + "/ignored/keep", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (path, text) in [
            ("Dockerfile", "FROM x\n"), (".dockerignore", "*\n!app.txt\n!ignored/keep/k.txt\n"), ("app.txt", "a"),
            ("other.txt", "o"), ("ignored/x.txt", "x"), ("ignored/keep/k.txt", "k"),
        ] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + path))
        }
        let paths = try BuildContext(directory: directory).items().map(\.entry.path)
        #expect(paths == [".dockerignore", "Dockerfile", "app.txt", "ignored/keep/k.txt"])
    }
}
