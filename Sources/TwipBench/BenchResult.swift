public import Histogram

/// What a benchmark run measured: counts, bytes, timing and the latency distribution.
public struct BenchResult: Sendable {
    /// The URL that was loaded.
    public var url: String
    /// The request path.
    public var path: String
    /// Connections that ran at once.
    public var concurrency: Int
    /// Whether connections were kept alive.
    public var keepAlive: Bool
    /// The `Server` header of the first response, if any.
    public var server: String?
    /// The body length of the first successful response.
    public var documentLength: Int?
    /// Requests that ended, successfully or not.
    public var requests: Int { responses + failures }
    /// Responses received (any status), including those counted as length failures.
    public var responses: Int = 0
    /// Failed requests by kind.
    public var failureCounts: [ConnectionStateMachine.FailureKind: Int] = [:]
    /// Responses whose status was not 2xx.
    public var non2xx: Int = 0
    /// Responses by status code.
    public var statusCounts: [Int: Int] = [:]
    /// Responses that left their connection open for the next request.
    public var keepAliveResponses: Int = 0
    /// Connections opened.
    public var connections: Int = 0
    /// Bytes received: status lines, headers and bodies.
    public var bytes: Int = 0
    /// Body bytes received.
    public var bodyBytes: Int = 0
    /// Wall-clock time from the first request to the last response, in seconds.
    public var duration: Double = 0
    /// Latency of every response in microseconds.
    public var latency: Histogram<UInt64>
    /// The run second by second, as the picture and the JSON series draw it.
    public var timeline = BenchTimeline()
    /// When the run began, in seconds since 1970 (UNIX time); marks are placed relative to it.
    public var startedAt: Double = 0
    /// Named moments during the run (a release started, a node was killed), in time order.
    public var marks: [BenchMark] = []

    /// An empty result for `url`.
    public init(url: String, path: String, concurrency: Int, keepAlive: Bool, highestLatencyMicroseconds: UInt64) {
        self.url = url
        self.path = path
        self.concurrency = concurrency
        self.keepAlive = keepAlive
        var histogram = Histogram<UInt64>(
            highestTrackableValue: max(highestLatencyMicroseconds, 1_000), numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        self.latency = histogram
    }

    /// Failed requests of every kind (a length failure is also a response).
    public var failures: Int {
        failureCounts.reduce(0) { $1.key == .length ? $0 : $0 + $1.value }
    }

    /// Failed requests as ab counts them: every kind, length failures included.
    public var failedRequests: Int { failureCounts.values.reduce(0, +) }

    /// Responses per second (failed connections excluded).
    public var requestsPerSecond: Double { duration > 0 ? Double(responses) / duration : 0 }

    /// Whether no request got a response.
    public var everyRequestFailed: Bool { responses == 0 && failures > 0 }

    /// Records one response's latency.
    public mutating func recordLatency(microseconds: UInt64) {
        latency.record(microseconds)
    }

    /// How many latencies were recorded.
    public var latencyCount: Int { Int(latency.totalCount) }

    /// The latency at `percentile` (0-100) in milliseconds.
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
        guard latency.totalCount > 0 else { return 0 }
        return Double(latency.valueAtPercentile(percentile)) / 1000
    }

    /// Adds another part of the same run (one event loop's share) to this one.
    public mutating func merge(_ other: BenchResult) {
        server = server ?? other.server
        documentLength = documentLength ?? other.documentLength
        responses += other.responses
        for (kind, count) in other.failureCounts { failureCounts[kind, default: 0] += count }
        non2xx += other.non2xx
        for (status, count) in other.statusCounts { statusCounts[status, default: 0] += count }
        keepAliveResponses += other.keepAliveResponses
        connections += other.connections
        bytes += other.bytes
        bodyBytes += other.bodyBytes
        duration = max(duration, other.duration)
        latency.add(other.latency)
        timeline.merge(other.timeline)
        startedAt = startedAt > 0 ? startedAt : other.startedAt
        marks = (marks + other.marks).sorted { $0.time < $1.time }
    }
}
