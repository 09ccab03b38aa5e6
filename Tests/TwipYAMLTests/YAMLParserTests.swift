import Testing
import TwipYAML

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct YAMLParserTests {
    @Test(arguments: ["", "# only a comment\n", "\n\n", "\u{FEFF}"])
    func emptyFileHasNoDocument(_ text: String) throws {
        #expect(try parse(text) == nil)
    }

    @Test func anEmptyExplicitDocumentIsNull() throws {
        let node = try document("---\n")
        #expect(node.isNull)
    }

    @Test func marksAreOneBasedLinesAndColumns() throws {
        let root = try document("services:\n  web:\n    image: nginx\n")
        #expect(root.mark == Mark(line: 1, column: 1))
        let web = try #require(root["services"]?["web"])
        #expect(web.mark == Mark(line: 3, column: 5))
        let pair = try #require(web.pairs?.first)
        #expect(pair.key.mark == Mark(line: 3, column: 5))
        #expect(pair.value.mark == Mark(line: 3, column: 12))
        #expect(pair.value.string == "nginx")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try document("é: [ü, x]\n")
        #expect(root["é"]?.sequence?[1].mark == Mark(line: 1, column: 8))
    }

    @Test func aUTF8ByteOrderMarkIsAccepted() throws {
        let root = try document("\u{FEFF}a: 1\n")
        #expect(root["a"]?.int == 1)
    }

    @Test func blockAndFlowStylesGiveTheSameTree() throws {
        let block = try document("ports:\n  - 80\n  - \"443\"\nenv:\n  A: x\n")
        let flow = try document("{ports: [80, \"443\"], env: {A: x}}")
        #expect(Shape(block) == Shape(flow))
        #expect(block["ports"]?.sequence?.map(\.kindName) == ["a number", "a string"])
    }

    @Test func scalarStylesAreKept() throws {
        let root = try document(
            """
            plain: 8080
            double: "8080"
            single: '8080'
            literal: |
              line one
              line two
            folded: >
              one
              two

            """)
        #expect(root["plain"]?.content == .scalar("8080", .plain))
        #expect(root["double"]?.content == .scalar("8080", .doubleQuoted))
        #expect(root["single"]?.content == .scalar("8080", .singleQuoted))
        #expect(root["literal"]?.content == .scalar("line one\nline two\n", .literal))
        #expect(root["folded"]?.content == .scalar("one two\n", .folded))
        #expect(root["plain"]?.int == 8080)
        #expect(root["double"]?.int == nil)
        #expect(root["double"]?.isString == true)
    }

    @Test func explicitTagsAreKeptInShortForm() throws {
        let root = try document("a: !!str 80\nb: !custom x\nc: !!int \"7\"\nd: ! 12\ne: !!map {x: 1}\n")
        #expect(root["a"]?.tag == "!!str")
        #expect(root["a"]?.isString == true)
        #expect(root["a"]?.int == nil)
        #expect(root["b"]?.tag == "!custom")
        #expect(root["c"]?.int == 7)
        #expect(root["d"]?.isString == true)
        #expect(root["e"]?.tag == "!!map")
        #expect(root["e"]?["x"]?.int == 1)
    }

    @Test func anAliasCopiesTheAnchoredNodeAtItsOwnMark() throws {
        let root = try document("base: &base\n  image: nginx\n  ports: [80]\nweb: *base\n")
        let base = try #require(root["base"])
        let web = try #require(root["web"])
        #expect(web.content == base.content)
        #expect(web.mark == Mark(line: 4, column: 6))
        #expect(web["image"]?.mark == Mark(line: 2, column: 10))
    }

    @Test func anAnchorCanBeRedefinedAndLaterAliasesSeeTheNewNode() throws {
        let root = try document("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(root["b"]?.int == 1)
        #expect(root["d"]?.int == 2)
    }

    @Test func anAnchoredScalarCanBeAKey() throws {
        let root = try document("a: &k name\n*k : value\n")
        #expect(root["name"]?.string == "value")
    }

    @Test func mergeKeyBringsInTheKeysOfAnAliasedMapping() throws {
        let root = try document(
            """
            x-base: &base
              image: nginx
              restart: always
            web:
              <<: *base
              ports: [80]

            """)
        let web = try #require(root["web"])
        #expect(web.pairs?.map(\.key.string) == ["image", "restart", "ports"])
        #expect(web["image"]?.string == "nginx")
        #expect(web["<<"] == nil)
    }

    @Test func explicitKeysWinOverMergedOnesWhereverTheyAreWritten() throws {
        let root = try document(
            """
            x-base: &base {image: nginx, restart: always, user: www}
            web:
              image: custom
              <<: *base
              user: root

            """)
        let web = try #require(root["web"])
        #expect(web.pairs?.map(\.key.string) == ["image", "restart", "user"])
        #expect(web["image"]?.string == "custom")
        #expect(web["user"]?.string == "root")
        #expect(web["restart"]?.string == "always")
    }

    @Test func amongSeveralMergedMappingsTheEarlierOneWins() throws {
        let root = try document(
            """
            one: &one {a: 1, b: 1}
            two: &two {b: 2, c: 2}
            m:
              <<: [*one, *two]
              c: 3

            """)
        let merged = try #require(root["m"])
        #expect(merged["a"]?.int == 1)
        #expect(merged["b"]?.int == 1)
        #expect(merged["c"]?.int == 3)
        #expect(merged.pairs?.count == 3)
    }

    @Test func mergeKeyAcceptsAnInlineMapping() throws {
        let root = try document("m:\n  <<: {a: 1}\n  b: 2\n")
        #expect(root["m"]?["a"]?.int == 1)
        #expect(root["m"]?["b"]?.int == 2)
    }

    @Test func aKeyOverriddenThroughAMergeIsNotADuplicate() throws {
        let root = try document("b: &b {image: a}\nweb:\n  <<: *b\n  image: c\n")
        #expect(root["web"]?["image"]?.string == "c")
    }

    @Test func aQuotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try document("m:\n  \"<<\": {a: 1}\n")
        #expect(root["m"]?["<<"]?["a"]?.int == 1)
    }

    @Test func aliasesNestedUnderTheLimitAreExpanded() throws {
        let root = try document("a: &a [x, y]\nb: &b [*a, *a]\nc: [*b, *b]\n")
        #expect(root["c"]?.sequence?.count == 2)
        #expect(root["c"]?.sequence?[1].sequence?[0].sequence?.map(\.string) == ["x", "y"])
    }

    @Test func nestingAtTheDepthLimitIsAccepted() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try parse(text) != nil)
    }

    @Test func crlfLineEndsCountAsOneLineBreak() throws {
        let root = try document("a: 1\r\nb:\r\n  c: 2\r\n")
        #expect(root["b"]?["c"]?.mark == Mark(line: 3, column: 6))
    }

    @Test func parsesAFileFromDisk() throws {
        let path = "/tmp/twiptest-yaml-\(getpid()).yml"
        let handle = try #require(fopen(path, "w"))
        fputs("web:\n  image: nginx\n", handle)
        fclose(handle)
        defer { unlink(path) }
        let node = try #require(try YAML.parse(contentsOf: path))
        #expect(node["web"]?["image"]?.string == "nginx")
        #expect(throws: YAMLError.self) {
            _ = try YAML.parse(contentsOf: path, displayName: "stack.yml", limits: YAMLLimits(maxDepth: 1))
        }
    }

    @Test func errorsFromAFileCarryTheDisplayName() throws {
        let path = "/tmp/twiptest-yaml-dup-\(getpid()).yml"
        let handle = try #require(fopen(path, "w"))
        fputs("a: 1\na: 2\n", handle)
        fclose(handle)
        defer { unlink(path) }
        #expect {
            try YAML.parse(contentsOf: path, displayName: "prod.yml")
        } throws: { error in
            (error as? YAMLError)?.description == "prod.yml:2:1: a: duplicate key \"a\" (first at line 1)"
        }
    }
}
