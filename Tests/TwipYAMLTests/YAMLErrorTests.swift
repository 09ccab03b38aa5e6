import Testing
import TwipYAML

/// One document twip must reject, with where and why.
struct RejectedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var line: Int
    var column: Int
    var path: String
    var message: String
    var limits = YAMLLimits()

    var testDescription: String { name }

    init(
        _ name: String, _ text: String, at line: Int, _ column: Int, path: String, _ message: String,
        limits: YAMLLimits = .init()
    ) {
        self.init(name, bytes: Array(text.utf8), at: line, column, path: path, message, limits: limits)
    }

    init(
        _ name: String, bytes: [UInt8], at line: Int, _ column: Int, path: String, _ message: String,
        limits: YAMLLimits = .init()
    ) {
        self.name = name
        self.bytes = bytes
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.limits = limits
    }
}

/// A billion-laughs document: nine levels of nine aliases each.
let billionLaughs: String = {
    var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (previous, name) in zip(names, names.dropFirst()) {
        let aliases = Array(repeating: "*\(previous)", count: 9).joined(separator: ", ")
        text += "\(name): &\(name) [\(aliases)]\n"
    }
    return text
}()

@Suite struct YAMLErrorTests {
    static let cases: [RejectedCase] = [
        RejectedCase(
            "duplicate key", "services:\n  web:\n    image: a\n    ports: []\n    image: b\n", at: 5, 5,
            path: "services.web.image", "duplicate key \"image\" (first at line 3)"),
        RejectedCase(
            "duplicate key at the top", "a: 1\nb: 2\na: 3\n", at: 3, 1, path: "a",
            "duplicate key \"a\" (first at line 1)"),
        RejectedCase(
            "duplicate key in a flow mapping", "x: {a: 1, a: 2}\n", at: 1, 11, path: "x.a",
            "duplicate key \"a\" (first at line 1)"),
        RejectedCase(
            "duplicate key in a list item", "- a: 1\n  b: 2\n- a: 1\n  a: 2\n", at: 4, 3, path: "[1].a",
            "duplicate key \"a\" (first at line 3)"),
        RejectedCase(
            "two merge keys", "x: &x {a: 1}\ny:\n  <<: *x\n  <<: *x\n", at: 4, 3, path: "y.<<",
            "duplicate key \"<<\" (first at line 3)"),
        RejectedCase(
            "undefined alias", "a: 1\nb: *foo\n", at: 2, 4, path: "b",
            "undefined alias \"foo\" (define it with &foo before using it)"),
        RejectedCase(
            "alias inside its own anchor", "a: &a [1, *a]\n", at: 1, 11, path: "a[1]",
            "undefined alias \"a\" (define it with &a before using it)"),
        RejectedCase(
            "second document", "a: 1\n---\nb: 2\n", at: 2, 1, path: "",
            "multiple documents are not supported; put each stack in its own file"),
        RejectedCase(
            "second explicit document", "--- \na: 1\n...\n---\nb: 2\n", at: 4, 1, path: "",
            "multiple documents are not supported; put each stack in its own file"),
        RejectedCase(
            "invalid UTF-8", bytes: Array("a: 1\nb: caf".utf8) + [0xE9] + Array("\n".utf8), at: 2, 7, path: "",
            "invalid UTF-8 (byte 0xE9); save the file as UTF-8"),
        RejectedCase(
            "invalid UTF-8 after multibyte characters",
            bytes: Array("é: ü\r\nx: ab".utf8) + [0xC3, 0x28], at: 2, 6, path: "",
            "invalid UTF-8 (byte 0xC3); save the file as UTF-8"),
        RejectedCase(
            "overlong UTF-8", bytes: Array("a: ".utf8) + [0xC0, 0xAF], at: 1, 4, path: "",
            "invalid UTF-8 (byte 0xC0); save the file as UTF-8"),
        RejectedCase(
            "UTF-8 surrogate", bytes: Array("a: ".utf8) + [0xED, 0xA0, 0x80], at: 1, 4, path: "",
            "invalid UTF-8 (byte 0xED); save the file as UTF-8"),
        RejectedCase(
            "UTF-16LE byte order mark", bytes: [0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00], at: 1, 1, path: "",
            "the file is UTF-16LE (it starts with a byte order mark); save it as UTF-8"),
        RejectedCase(
            "UTF-16BE byte order mark", bytes: [0xFE, 0xFF, 0x00, 0x61], at: 1, 1, path: "",
            "the file is UTF-16BE (it starts with a byte order mark); save it as UTF-8"),
        RejectedCase(
            "UTF-32BE byte order mark", bytes: [0x00, 0x00, 0xFE, 0xFF, 0, 0, 0, 0x61], at: 1, 1, path: "",
            "the file is UTF-32BE (it starts with a byte order mark); save it as UTF-8"),
        RejectedCase(
            "billion laughs", billionLaughs, at: 6, 8, path: "f[0]", "alias expansion exceeds 100000 nodes"),
        RejectedCase(
            "alias expansion over a small limit", "a: &a [1, 2, 3]\nb: [*a, *a]\n", at: 2, 9, path: "b[1]",
            "alias expansion exceeds 5 nodes", limits: YAMLLimits(maxAliasExpansion: 5)),
        RejectedCase(
            "deep block nesting", "a:\n  b:\n    c:\n      d: 1\n", at: 4, 7, path: "a.b.c",
            "nesting is deeper than 3 levels", limits: YAMLLimits(maxDepth: 3)),
        RejectedCase(
            "deep flow nesting", String(repeating: "[", count: 300) + String(repeating: "]", count: 300), at: 1,
            257, path: String(repeating: "[0]", count: 256), "nesting is deeper than 256 levels"),
        RejectedCase(
            "an alias that nests too deep", "x: &x [[1]]\ny: [*x]\n", at: 2, 5, path: "y[0]",
            "nesting is deeper than 3 levels", limits: YAMLLimits(maxDepth: 3)),
        RejectedCase(
            "mapping value in a plain scalar", "web:\n  image: a: b\n", at: 2, 11, path: "web",
            "mapping values are not allowed in this context"),
        RejectedCase(
            "unclosed flow sequence", "ports: [1, 2\nimage: x\n", at: 2, 6, path: "ports[2]",
            "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 8)"),
        RejectedCase(
            "tab indentation", "web:\n\timage: x\n", at: 2, 1, path: "web",
            "found character that cannot start any token (while scanning for the next token at line 2, column 1)"),
        RejectedCase(
            "control character", "a: b\u{07}c\n", at: 1, 5, path: "",
            "control characters are not allowed (character 0x7)"),
        RejectedCase(
            "control character after CR and CRLF line breaks", "a: 1\rb: 2\r\nc: \"é\u{1B}\"\n", at: 3, 6,
            path: "", "control characters are not allowed (character 0x1B)"),
        RejectedCase(
            "complex key", "? [a, b]\n: 1\n", at: 1, 3, path: "",
            "a mapping key must be a scalar, found a list (complex keys are not supported)"),
        RejectedCase(
            "flow mapping as a key", "x:\n  {a: 1}: 2\n", at: 2, 3, path: "x",
            "a mapping key must be a scalar, found a mapping (complex keys are not supported)"),
        RejectedCase(
            "alias to a mapping as a key", "m: &m {a: 1}\n*m : 2\n", at: 2, 1, path: "",
            "a mapping key must be a scalar, found a mapping (complex keys are not supported)"),
        RejectedCase(
            "merge of a scalar", "base: &b 1\nweb:\n  <<: *b\n", at: 3, 7, path: "web.<<",
            "the merge key \"<<\" needs a mapping, an alias to a mapping or a list of those, found a number"),
        RejectedCase(
            "merge of a list holding a scalar", "web:\n  <<: [{a: 1}, x]\n", at: 2, 16, path: "web.<<",
            "the merge key \"<<\" needs a mapping, an alias to a mapping or a list of those, found a string"),
    ]

    @Test(arguments: cases)
    func rejectsWithMarkPathAndMessage(_ rejected: RejectedCase) {
        guard let error = rejection(rejected.bytes, limits: rejected.limits) else { return }
        #expect(error.file == "stack.yml")
        #expect(error.mark == Mark(line: rejected.line, column: rejected.column))
        #expect(error.path == rejected.path)
        #expect(error.message == rejected.message)
    }

    @Test func billionLaughsFailsQuickly() {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            _ = rejection(Array(billionLaughs.utf8))
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func descriptionShowsFileLineColumnPathAndMessage() {
        let error = YAMLError(file: "a.yml", mark: Mark(line: 3, column: 5), path: "services.web", message: "bad")
        #expect(error.description == "a.yml:3:5: services.web: bad")
    }

    @Test func descriptionLeavesOutAnEmptyPath() {
        let error = YAMLError(file: "a.yml", mark: Mark(line: 1, column: 1), message: "bad")
        #expect(error.description == "a.yml:1:1: bad")
    }

    @Test func unreadableFileIsReportedUnderItsDisplayName() {
        #expect {
            try YAML.parse(contentsOf: "/nonexistent/twiptest-yaml/stack.yml", displayName: "stack.yml")
        } throws: { error in
            (error as? YAMLError)?.description == "stack.yml: cannot open the file: No such file or directory"
        }
    }
}
