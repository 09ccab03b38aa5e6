import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1

/// One Engine API call: method, path, query, headers and body, plus the words used if it fails.
struct EngineRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: RequestBody?
    var operation: String
    var object: String?
    /// How long the whole exchange may take when its answer is read at once; nil for one that may rightly wait
    /// longer (waiting for a container to exit). Streams (logs, events, builds, pushes) have none.
    var deadline: Duration? = .seconds(300)

    init(
        _ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], headers: [(String, String)] = [],
        body: RequestBody? = nil, operation: String, object: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query.compactMap { name, value in value.map { (name, $0) } }
        self.headers = headers
        self.body = body
        self.operation = operation
        self.object = object
    }

    var pathWithQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.percentEncoded($0))=\(Self.percentEncoded($1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Encodes a path segment such as a container name or image reference.
    static func segment(_ text: String) -> String { percentEncoded(text) }
}

/// A request body: JSON, bytes in memory, or a streamed tar archive.
public struct RequestBody: Sendable {
    let body: HTTPClientRequest.Body
    let contentType: String

    /// A body held in memory.
    public static func bytes(_ bytes: [UInt8], contentType: String = "application/x-tar") -> RequestBody {
        RequestBody(body: .bytes(bytes), contentType: contentType)
    }

    /// A body streamed from an async sequence of buffers (sent chunked; the sequence is read once).
    public static func stream<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, contentType: String = "application/x-tar"
    ) -> RequestBody where Chunks.Element == ByteBuffer {
        RequestBody(body: .stream(chunks, length: .unknown), contentType: contentType)
    }

    /// A JSON body encoding `value`.
    static func json<Value: Encodable>(_ value: Value) throws -> RequestBody {
        RequestBody(body: .bytes(Array(try JSONCoding.encoder.encode(value))), contentType: "application/json")
    }
}

/// The JSON coders used for every Engine API body.
enum JSONCoding {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try decoder.decode(type, from: Data(bytes))
    }

    static func string<Value: Encodable>(_ value: Value) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Engine list filters, e.g. `label=io.twip.env=prod`, sent as the JSON `filters` query parameter.
public struct Filters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Filter name to accepted values.
    public var values: [String: [String]]

    /// Creates filters from a dictionary.
    public init(_ values: [String: [String]] = [:]) { self.values = values }

    /// Creates filters from a dictionary literal.
    public init(dictionaryLiteral elements: (String, [String])...) {
        self.values = Dictionary(elements, uniquingKeysWith: +)
    }

    /// Filters on labels: `key` alone matches any value, `key=value` an exact value.
    public static func labels(_ labels: [String]) -> Filters { Filters(["label": labels]) }

    /// Adds a value to a filter.
    public mutating func add(_ name: String, _ value: String) { values[name, default: []].append(value) }

    /// The JSON query value, nil when empty.
    var queryValue: String? { values.isEmpty ? nil : JSONCoding.string(values) }
}
