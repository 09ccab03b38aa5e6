import Testing
import TwipYAML

/// What a scalar written in a document must resolve to.
struct ScalarCase: CustomTestStringConvertible, Sendable {
    enum Expected: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string
    }

    var source: String
    var expected: Expected
    var kind: String

    var testDescription: String { source }

    init(_ source: String, _ expected: Expected, _ kind: String) {
        self.source = source
        self.expected = expected
        self.kind = kind
    }
}

@Suite struct NodeScalarTests {
    static let cases: [ScalarCase] = [
        ScalarCase("~", .null, "null"),
        ScalarCase("null", .null, "null"),
        ScalarCase("Null", .null, "null"),
        ScalarCase("NULL", .null, "null"),
        ScalarCase("", .null, "null"),
        ScalarCase("nULL", .string, "a string"),
        ScalarCase("\"null\"", .string, "a string"),
        ScalarCase("'~'", .string, "a string"),
        ScalarCase("!!null ''", .null, "null"),
        ScalarCase("true", .bool(true), "a boolean"),
        ScalarCase("True", .bool(true), "a boolean"),
        ScalarCase("TRUE", .bool(true), "a boolean"),
        ScalarCase("false", .bool(false), "a boolean"),
        ScalarCase("False", .bool(false), "a boolean"),
        ScalarCase("FALSE", .bool(false), "a boolean"),
        ScalarCase("yes", .string, "a string"),
        ScalarCase("on", .string, "a string"),
        ScalarCase("tRUE", .string, "a string"),
        ScalarCase("\"true\"", .string, "a string"),
        ScalarCase("!!bool \"true\"", .bool(true), "a boolean"),
        ScalarCase("0", .int(0), "a number"),
        ScalarCase("8080", .int(8080), "a number"),
        ScalarCase("-12", .int(-12), "a number"),
        ScalarCase("+12", .int(12), "a number"),
        ScalarCase("0x1F", .int(31), "a number"),
        ScalarCase("0o17", .int(15), "a number"),
        ScalarCase("017", .int(17), "a number"),
        ScalarCase("0x", .string, "a string"),
        ScalarCase("0o8", .string, "a string"),
        ScalarCase("-0x1F", .string, "a string"),
        ScalarCase("1_000", .string, "a string"),
        ScalarCase("80:80", .string, "a string"),
        ScalarCase("\"8080\"", .string, "a string"),
        ScalarCase("'8080'", .string, "a string"),
        ScalarCase("!!str 8080", .string, "a string"),
        ScalarCase("!!int \"42\"", .int(42), "a number"),
        ScalarCase("|\n  8080\n", .string, "a string"),
        ScalarCase("1.5", .double(1.5), "a number"),
        ScalarCase("-1.5e3", .double(-1500), "a number"),
        ScalarCase(".5", .double(0.5), "a number"),
        ScalarCase("1.", .double(1), "a number"),
        ScalarCase("1e3", .double(1000), "a number"),
        ScalarCase(".inf", .double(.infinity), "a number"),
        ScalarCase("-.Inf", .double(-.infinity), "a number"),
        ScalarCase("99999999999999999999", .double(1e20), "a number"),
        ScalarCase("1e", .string, "a string"),
        ScalarCase(".", .string, "a string"),
        ScalarCase("inf", .string, "a string"),
        ScalarCase("nan", .string, "a string"),
        ScalarCase("0x1p3", .string, "a string"),
        ScalarCase("1.2.3", .string, "a string"),
        ScalarCase("nginx:1.25", .string, "a string"),
    ]

    @Test(arguments: cases)
    func resolvesByTheCoreSchema(_ scalar: ScalarCase) throws {
        let root = try document("value: \(scalar.source)\n")
        let node = try #require(root["value"])
        #expect(node.isScalar)
        #expect(node.kindName == scalar.kind)
        #expect(node.isNull == (scalar.expected == .null))
        #expect(node.isString == (scalar.expected == .string))
        switch scalar.expected {
        case .null, .string:
            #expect(node.bool == nil && node.int == nil && node.double == nil)
        case .bool(let value):
            #expect(node.bool == value)
            #expect(node.int == nil && node.double == nil)
        case .int(let value):
            #expect(node.int == value)
            #expect(node.double == Double(value))
            #expect(node.bool == nil)
        case .double(let value):
            #expect(node.double == value)
            #expect(node.int == nil && node.bool == nil)
        }
    }

    @Test func notANumberResolvesToNaN() throws {
        let root = try document("a: .nan\nb: .NaN\nc: -.nan\n")
        #expect(root["a"]?.double?.isNaN == true)
        #expect(root["b"]?.double?.isNaN == true)
        #expect(root["c"]?.isString == true)
    }

    @Test func stringGivesTheTextOfAnyScalar() throws {
        let root = try document("a: 8080\nb: true\nc: ~\nd: [x]\n")
        #expect(root["a"]?.string == "8080")
        #expect(root["b"]?.string == "true")
        #expect(root["c"]?.string == "~")
        #expect(root["d"]?.string == nil)
    }

    @Test func collectionAccessorsMatchTheNodeKind() throws {
        let root = try document("list: [a, b]\nmap: {k: v}\n")
        let list = try #require(root["list"])
        let map = try #require(root["map"])
        #expect(list.isSequence && !list.isMapping && !list.isScalar)
        #expect(map.isMapping && !map.isSequence && !map.isScalar)
        #expect(list.kindName == "a list")
        #expect(map.kindName == "a mapping")
        #expect(list.sequence?.count == 2)
        #expect(list.pairs == nil)
        #expect(map.pairs?.count == 1)
        #expect(map.sequence == nil)
        #expect(map["k"]?.string == "v")
        #expect(map["missing"] == nil)
        #expect(list["k"] == nil)
    }
}
