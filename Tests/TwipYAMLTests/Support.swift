import Testing
import TwipYAML

/// Parses `text` as the file `stack.yml`.
func parse(_ text: String, limits: YAMLLimits = .init()) throws(YAMLError) -> Node? {
    try YAML.parse(Array(text.utf8), file: "stack.yml", limits: limits)
}

/// Parses `text` and fails the test when it is rejected or empty.
func document(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Node {
    let node = try parse(text)
    return try #require(node, sourceLocation: sourceLocation)
}

/// The error `bytes` are rejected with; records an issue when they parse.
func rejection(_ bytes: [UInt8], limits: YAMLLimits = .init(), sourceLocation: SourceLocation = #_sourceLocation)
    -> YAMLError?
{
    do {
        let node = try YAML.parse(bytes, file: "stack.yml", limits: limits)
        Issue.record("expected an error, parsed \(String(describing: node))", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A node's meaning without marks or the quoting that carried it, for comparing trees across a round trip.
indirect enum Shape: Equatable, CustomStringConvertible {
    case null(tag: String?)
    case bool(Bool, tag: String?)
    case int(Int, tag: String?)
    case double(Double, tag: String?)
    case string(String, tag: String?)
    case sequence([Shape], tag: String?)
    case mapping([Shape], tag: String?)

    init(_ node: Node) {
        switch node.content {
        case .sequence(let items):
            self = .sequence(items.map(Shape.init), tag: node.tag)
        case .mapping(let pairs):
            self = .mapping(pairs.flatMap { [Shape($0.key), Shape($0.value)] }, tag: node.tag)
        case .scalar(let text, _):
            if node.isNull {
                self = .null(tag: node.tag)
            } else if let value = node.bool {
                self = .bool(value, tag: node.tag)
            } else if let value = node.int {
                self = .int(value, tag: node.tag)
            } else if let value = node.double {
                self = .double(value, tag: node.tag)
            } else {
                self = .string(text, tag: node.tag)
            }
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value, _): "\(value)"
        case .int(let value, _): "\(value)"
        case .double(let value, _): "\(value)"
        case .string(let value, _): "\"\(value)\""
        case .sequence(let items, _): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let items, _):
            "{"
                + stride(from: 0, to: items.count, by: 2).map { "\(items[$0]): \(items[$0 + 1])" }
                .joined(separator: ", ") + "}"
        }
    }
}
