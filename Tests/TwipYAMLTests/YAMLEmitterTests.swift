import Testing
import TwipYAML

@Suite struct YAMLEmitterTests {
    @Test func writesBlockStyleWithTwoSpaceIndent() throws {
        let root = try document(
            """
            services:
              web:
                image: "nginx:1.25"
                ports: ["8080:80", 443]
                environment: {A: '1', B: x}
                volumes: []
                labels: {}
                healthcheck:
                  test: [CMD, curl, -f, "http://127.0.0.1/"]
                  disable: false
            networks:
              - name: front
                driver: bridge
              - name: back
                internal: true
            matrix: [[1, 2], [], [{a: ~}]]

            """)
        let expected = """
            services:
              web:
                image: nginx:1.25
                ports:
                  - "8080:80"
                  - 443
                environment:
                  A: "1"
                  B: x
                volumes: []
                labels: {}
                healthcheck:
                  test:
                    - CMD
                    - curl
                    - -f
                    - http://127.0.0.1/
                  disable: false
            networks:
              - name: front
                driver: bridge
              - name: back
                internal: true
            matrix:
              - - 1
                - 2
              - []
              - - a: ~

            """
        #expect(YAMLEmitter.emit(root) == expected)
    }

    static let trickyStrings: [String] = [
        "8080", "80:80", "0755", "1_000", "1.5", "-1", "+1", ".5", ".inf", "1e3", "0x1F", "2001-12-14",
        "yes", "no", "on", "Off", "y", "N", "true", "False", "null", "~", "NULL", "", " ", "<<", "=",
        "a: b", "a:", "key:value", "#x", "a #b", "a#b", " lead", "trail ", "-", "- x", "-x", "--", "---", "...",
        "? x", "?x", ":x", ": x", "[a]", "{a}", "a, b", "*ref", "&anchor", "!tag", "|", ">", "'q'", "\"q\"",
        "%x", "@x", "`x", "line one\nline two", "trailing newline\n", "\ttab", "a\tb", "back\\slash",
        "nul\u{0}char", "bell\u{07}", "esc\u{1B}", "del\u{7F}", "nel\u{85}x", "ls\u{2028}x", "bom\u{FEFF}x",
        "café", "日本語", "emoji 🚀", "http://127.0.0.1:8080/path?q=1#frag", "C:\\path", "nginx:1.25",
    ]

    @Test(arguments: trickyStrings)
    func aStringReadsBackAsTheSameString(_ text: String) throws {
        let original = Node.mapping([(key: "value", value: .string(text)), (key: text, value: .int(1))])
        let emitted = YAMLEmitter.emit(original)
        let reread = try #require(try parse(emitted), "emitted:\n\(emitted)")
        #expect(reread["value"]?.isString == true, "emitted:\n\(emitted)")
        #expect(reread["value"]?.string == text, "emitted:\n\(emitted)")
        #expect(reread[text]?.int == 1, "emitted:\n\(emitted)")
    }

    @Test(arguments: ["8080", "yes", "null", "a: b", "#x", " lead", "line one\nline two", ""])
    func quotedStringsThatWouldChangeMeaningStayQuoted(_ text: String) {
        let emitted = YAMLEmitter.emit(.list([.string(text)]))
        #expect(emitted.hasPrefix("- \""), "emitted: \(emitted)")
    }

    @Test(arguments: ["web", "nginx:1.25", "-f", "/usr/share/nginx/html", "a#b", "café"])
    func safeStringsAreWrittenPlain(_ text: String) {
        #expect(YAMLEmitter.emit(.list([.string(text)])) == "- \(text)\n")
    }

    @Test(arguments: ["8080", "-12", "0x1F", "1.5", ".inf", "true", "FALSE", "~", "null"])
    func plainNonStringScalarsStayPlain(_ text: String) throws {
        let root = try document("- \(text)\n")
        #expect(YAMLEmitter.emit(root) == "- \(text)\n")
    }

    @Test func multiLineStringsAreEscapedInDoubleQuotes() {
        let emitted = YAMLEmitter.emit(.mapping([(key: "script", value: .string("echo \"hi\"\nexit 0\n"))]))
        #expect(emitted == "script: \"echo \\\"hi\\\"\\nexit 0\\n\"\n")
    }

    @Test func anEmptyPlainScalarIsWrittenAsNothingAfterTheKey() throws {
        let root = try document("a:\nb: [~, '']\n")
        #expect(YAMLEmitter.emit(root) == "a:\nb:\n  - ~\n  - \"\"\n")
    }

    @Test func tagsAreWritten() throws {
        let root = try document("a: !!str 80\nb: !custom {x: 1}\nc: !env [A]\nd: !<tag:example.com,2000:app> x\n")
        let emitted = YAMLEmitter.emit(root)
        #expect(emitted == "a: !!str \"80\"\nb: !custom\n  x: 1\nc: !env\n  - A\nd: !<tag:example.com,2000:app> x\n")
    }

    @Test func topLevelScalarsAndEmptyCollections() throws {
        #expect(YAMLEmitter.emit(.string("yes")) == "\"yes\"\n")
        #expect(YAMLEmitter.emit(.list([])) == "[]\n")
        #expect(YAMLEmitter.emit(.mapping([])) == "{}\n")
        #expect(YAMLEmitter.emit(Node(.scalar("", .plain), mark: .synthesized)) == "null\n")
    }

    static let documents: [String] = [
        "a: 1\nb: [x, \"8080\", 'yes', ~, true, 1.5, -3]\nc: {d: {e: [[], {}]}}\n",
        "- - - deep\n    - [1, {k: v}]\n- {}\n",
        "base: &b {image: nginx, ports: ['80:80']}\nweb:\n  <<: *b\n  image: custom\n",
        "text: |\n  line one\n    indented\n\n  last\nfolded: >-\n  a\n  b\n",
        "'quoted key': 1\n\"8080\": port\n? |\n  block key\n: v\n",
        "tagged: !!str 80\ncustom: !thing {a: 1}\nlist: !seq [1]\nempty: !!str\n",
        "multi: plain\n  continued\n\n  para\nspace: \"  both  \"\nunicode: \"\\u00e9\\U0001F680\\t\"\n",
        "!top\na: 1\n",
        "[1, 2, 3]\n",
        "just a scalar\n",
    ]

    @Test(arguments: documents)
    func emittingAndParsingAgainGivesTheSameTree(_ text: String) throws {
        let original = try document(text)
        let emitted = YAMLEmitter.emit(original)
        let reread = try #require(try parse(emitted), "emitted:\n\(emitted)")
        #expect(Shape(reread) == Shape(original), "emitted:\n\(emitted)")
        #expect(YAMLEmitter.emit(reread) == emitted, "emitting is not stable:\n\(emitted)")
    }

    @Test func aSynthesizedTreeRoundTrips() throws {
        let tree = Node.mapping([
            (key: "name", value: .string("companyNews")),
            (key: "replicas", value: .int(3)),
            (key: "debug", value: .bool(false)),
            (key: "proxy", value: .null()),
            (key: "ports", value: .list([.string("80:8080"), .int(443)])),
            (key: "env", value: .mapping([(key: "JAVA_OPTS", value: .string("-Xmx512m -Dfoo=bar"))])),
        ])
        let emitted = YAMLEmitter.emit(tree)
        #expect(
            emitted
                == """
                name: companyNews
                replicas: 3
                debug: false
                proxy: null
                ports:
                  - "80:8080"
                  - 443
                env:
                  JAVA_OPTS: -Xmx512m -Dfoo=bar

                """)
        let reread = try #require(try parse(emitted))
        #expect(Shape(reread) == Shape(tree))
    }
}
