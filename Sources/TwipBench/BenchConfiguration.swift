/// Everything a benchmark run needs, validated before any connection is made.
public struct BenchConfiguration: Sendable {
    /// Where requests go.
    public var target: BenchTarget
    /// How many requests to send (ignored when `duration` is set).
    public var requests: Int = 1000
    /// How many connections run at once.
    public var concurrency: Int = 10
    /// Whether connections carry many requests (HTTP/1.1 keep-alive) instead of one each.
    public var keepAlive: Bool = false
    /// Run for this long instead of a request count, in seconds.
    public var duration: Double?
    /// How long one request (connect included) may take before it counts as failed, in seconds.
    public var timeout: Double = 30
    /// The request method.
    public var method: String = "GET"
    /// Extra request headers, in order.
    public var headers: [(name: String, value: String)] = []
    /// A fixed total request rate per second; latency is then measured from when each request
    /// was due, so a stalled server cannot hide queued requests (coordinated omission).
    public var rate: Double?
    /// Event loop threads; nil means one per core.
    public var threads: Int?
    /// Whether targets outside 127.0.0.0/8, localhost and ::1 are allowed.
    public var allowRemote: Bool = false

    /// A configuration with ab's defaults (`-n 1000 -c 10`, no keep-alive).
    public init(target: BenchTarget) {
        self.target = target
    }

    /// Checks the values a run depends on; every error is a usage error (exit 2).
    public func validate() throws(BenchUsageError) {
        guard concurrency >= 1 else { throw BenchUsageError("concurrency must be at least 1 (got -c \(concurrency))") }
        guard concurrency <= 20_000 else {
            throw BenchUsageError("concurrency \(concurrency) is more than twip bench supports (20000)")
        }
        if let duration {
            guard duration > 0, duration <= Self.longestDuration else {
                throw BenchUsageError("--duration must be positive and at most 7 days")
            }
        } else {
            guard requests >= 1 else { throw BenchUsageError("-n must be at least 1 (got \(requests))") }
            guard requests >= concurrency else {
                throw BenchUsageError(
                    "-n \(requests) is smaller than -c \(concurrency); ask for at least as many requests as connections"
                )
            }
        }
        guard timeout > 0, timeout <= 86_400 else {
            throw BenchUsageError("--timeout must be positive and at most 86400 seconds")
        }
        if let rate {
            guard rate >= 0.01, rate.isFinite else { throw BenchUsageError("--rate must be at least 0.01 requests/s") }
        }
        if let threads {
            guard threads >= 1 else { throw BenchUsageError("--threads must be at least 1") }
        }
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw BenchUsageError("invalid method \"\(method)\"")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw BenchUsageError("invalid header name \"\(header.name)\"")
            }
            guard !header.value.utf8.contains(where: { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) else {
                throw BenchUsageError("header \"\(header.name)\" has a line break in its value")
            }
        }
        guard allowRemote || target.isLoopback else {
            throw BenchUsageError(
                "refusing to load \(target.host): only loopback targets (127.0.0.0/8, localhost, ::1) "
                    + "unless --allow-remote is given")
        }
    }

    private static let longestDuration: Double = 7 * 86_400

    /// The request bytes, encoded once and written for every request.
    public func encodedRequest() -> [UInt8] {
        var text = "\(method) \(target.path) HTTP/1.1\r\n"
        let names = Set(headers.map { $0.name.lowercased() })
        if !names.contains("host") { text += "Host: \(target.hostHeader)\r\n" }
        if !names.contains("user-agent") { text += "User-Agent: twip-bench\r\n" }
        if !names.contains("accept") { text += "Accept: */*\r\n" }
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        if !keepAlive && !names.contains("connection") { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Parses a header given as `Name: value`.
    public static func parseHeader(_ text: String) throws(BenchUsageError) -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw BenchUsageError("header \"\(text)\" must look like 'Name: value'")
        }
        let name = text[..<colon].trimmingSpaces
        let value = text[text.index(after: colon)...].trimmingSpaces
        guard !name.isEmpty else { throw BenchUsageError("header \"\(text)\" has no name") }
        return (name, value)
    }

    /// Parses a duration such as `30`, `30s`, `500ms`, `2m` or `1h` into seconds.
    public static func parseDuration(_ text: String) throws(BenchUsageError) -> Double {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let value = Double(text.dropLast(unit.suffix.count)), value > 0, value.isFinite {
                return value * unit.seconds
            }
            break
        }
        if let value = Double(text), value > 0, value.isFinite { return value }
        throw BenchUsageError("invalid duration \"\(text)\"; use e.g. 30s, 500ms, 2m")
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
