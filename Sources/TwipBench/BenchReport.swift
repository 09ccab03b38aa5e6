import Foundation
import Histogram

/// Renders a ``BenchResult`` as ab-like text or as JSON for pipelines.
public struct BenchReport: Sendable {
    /// The percentiles of the text table, as ab prints them.
    public static let percentiles: [Double] = [50, 66, 75, 80, 90, 95, 98, 99, 100]

    /// The result to render.
    public var result: BenchResult
    /// The host and port shown as "Server Hostname/Port".
    public var target: BenchTarget

    /// A report of `result` for a run against `target`.
    public init(result: BenchResult, target: BenchTarget) {
        self.result = result
        self.target = target
    }

    /// The report as ab lays it out.
    public func text() -> String {
        let r = result
        let kinds = r.failureCounts
        func count(_ kind: ConnectionStateMachine.FailureKind) -> Int { kinds[kind, default: 0] }
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 24, withPad: " ", startingAt: 0) + value)
        }
        row("Server Software:", r.server ?? "")
        row("Server Hostname:", target.host)
        row("Server Port:", "\(target.port)")
        lines.append("")
        row("Document Path:", r.path)
        row("Document Length:", r.documentLength.map { "\($0) bytes" } ?? "unknown")
        lines.append("")
        row("Concurrency Level:", "\(r.concurrency)")
        row("Time taken for tests:", String(format: "%.3f seconds", r.duration))
        row("Complete requests:", "\(r.requests)")
        row("Failed requests:", "\(r.failedRequests)")
        if r.failedRequests > 0 {
            lines.append(
                "   (Connect: \(count(.connect)), Receive: \(count(.receive)), Length: \(count(.length)), "
                    + "Exceptions: \(count(.exception)), Timeout: \(count(.timeout)))")
        }
        if r.non2xx > 0 { row("Non-2xx responses:", "\(r.non2xx)") }
        if r.keepAlive { row("Keep-Alive requests:", "\(r.keepAliveResponses)") }
        row("Total transferred:", "\(r.bytes) bytes")
        row("HTML transferred:", "\(r.bodyBytes) bytes")
        row("Requests per second:", String(format: "%.2f [#/sec] (mean)", r.requestsPerSecond))
        let perRequest = r.responses > 0 ? r.duration * 1000 / Double(r.responses) : 0
        row("Time per request:", String(format: "%.3f [ms] (mean)", perRequest * Double(r.concurrency)))
        row("Time per request:", String(format: "%.3f [ms] (mean, across all concurrent requests)", perRequest))
        let rate = r.duration > 0 ? Double(r.bytes) / 1024 / r.duration : 0
        row("Transfer rate:", String(format: "%.2f [Kbytes/sec] received", rate))
        lines.append("")
        if r.latency.totalCount > 0 {
            lines.append("Latency (ms)     min    mean  [+/-sd]  median     max")
            lines.append(
                String(
                    format: "Total:      %8.3f %7.3f %8.3f %7.3f %7.3f",
                    Double(r.latency.min) / 1000, r.latency.mean / 1000, r.latency.stdDeviation / 1000,
                    r.latencyMilliseconds(atPercentile: 50), Double(r.latency.maxRecorded) / 1000))
            lines.append("")
            lines.append("Percentage of the requests served within a certain time (ms)")
            for percentile in Self.percentiles {
                let value =
                    percentile == 100
                    ? Double(r.latency.maxRecorded) / 1000 : r.latencyMilliseconds(atPercentile: percentile)
                let suffix = percentile == 100 ? " (longest request)" : ""
                lines.append(String(format: "%4d%%  %8.3f", Int(percentile), value) + suffix)
            }
        } else {
            lines.append("No responses: no latency to report.")
        }
        let marks = BenchSeries(result: r).marks
        if !marks.isEmpty {
            lines.append("")
            lines.append("Marks (seconds since the start)")
            for mark in marks { lines.append(String(format: "%8.3f  ", mark.offset) + mark.label) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON object (keys sorted, latencies in milliseconds).
    public func json() -> String {
        let r = result
        var failureKinds: [String: Int] = [:]
        for kind in ConnectionStateMachine.FailureKind.allCases {
            failureKinds[kind.rawValue] = r.failureCounts[kind, default: 0]
        }
        var statuses: [String: Int] = [:]
        for (status, count) in r.statusCounts { statuses[String(status)] = count }
        func ms(_ percentile: Double) -> Double { Self.rounded(r.latencyMilliseconds(atPercentile: percentile)) }
        let hasLatency = r.latency.totalCount > 0
        let series = BenchSeries(result: r)
        let latency = LatencyJSON(
            mean: hasLatency ? Self.rounded(r.latency.mean / 1000) : 0,
            stddev: hasLatency ? Self.rounded(r.latency.stdDeviation / 1000) : 0,
            min: hasLatency ? Self.rounded(Double(r.latency.min) / 1000) : 0,
            p50: ms(50), p66: ms(66), p75: ms(75), p80: ms(80), p90: ms(90), p95: ms(95), p98: ms(98), p99: ms(99),
            max: hasLatency ? Self.rounded(Double(r.latency.maxRecorded) / 1000) : 0)
        let report = ReportJSON(
            url: r.url, server: r.server, document_length: r.documentLength, concurrency: r.concurrency,
            keep_alive: r.keepAlive, requests: r.requests, responses: r.responses, failures: r.failedRequests,
            failure_kinds: failureKinds, non2xx: r.non2xx, status_codes: statuses, connections: r.connections,
            rps: Self.rounded(r.requestsPerSecond), duration_s: Self.rounded(r.duration, places: 6),
            bytes: r.bytes, body_bytes: r.bodyBytes, latency_ms: latency,
            started_at: Self.rounded(r.startedAt, places: 6),
            latency_percentiles: series.percentiles.map {
                PercentileJSON(percentile: $0.percentile, ms: Self.rounded($0.milliseconds))
            },
            series: series.seconds.map { second in
                SecondJSON(
                    t: second.start, duration_s: Self.rounded(second.length, places: 6), responses: second.responses,
                    failures: second.failures, non2xx: second.non2xx, rps: Self.rounded(second.requestsPerSecond),
                    latency_ms: second.p50.map { _ in
                        SecondLatencyJSON(
                            p50: Self.rounded(second.p50 ?? 0), p90: Self.rounded(second.p90 ?? 0),
                            p99: Self.rounded(second.p99 ?? 0), max: Self.rounded(second.max ?? 0))
                    })
            },
            marks: series.marks.map {
                MarkJSON(t: Self.rounded($0.offset), at: Self.rounded($0.time, places: 6), label: $0.label)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func rounded(_ value: Double, places: Int = 3) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

// The JSON shape; snake_case property names are the wire names.
// swift-format-ignore: AlwaysUseLowerCamelCase
private struct ReportJSON: Encodable {
    var url: String
    var server: String?
    var document_length: Int?
    var concurrency: Int
    var keep_alive: Bool
    var requests: Int
    var responses: Int
    var failures: Int
    var failure_kinds: [String: Int]
    var non2xx: Int
    var status_codes: [String: Int]
    var connections: Int
    var rps: Double
    var duration_s: Double
    var bytes: Int
    var body_bytes: Int
    var latency_ms: LatencyJSON
    /// UNIX time the run began.
    var started_at: Double
    var latency_percentiles: [PercentileJSON]
    /// One entry per second of the run, by the second each request ended in.
    var series: [SecondJSON]
    /// Offsets `t` are seconds since `started_at`.
    var marks: [MarkJSON]
}

// swift-format-ignore: AlwaysUseLowerCamelCase
private struct SecondJSON: Encodable {
    var t: Double
    var duration_s: Double
    var responses: Int
    var failures: Int
    var non2xx: Int
    var rps: Double
    /// Absent for a second in which no response ended.
    var latency_ms: SecondLatencyJSON?
}

private struct SecondLatencyJSON: Encodable {
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double
}

private struct PercentileJSON: Encodable {
    var percentile: Double
    var ms: Double
}

private struct MarkJSON: Encodable {
    var t: Double
    var at: Double
    var label: String
}

private struct LatencyJSON: Encodable {
    var mean: Double
    var stddev: Double
    var min: Double
    var p50: Double
    var p66: Double
    var p75: Double
    var p80: Double
    var p90: Double
    var p95: Double
    var p98: Double
    var p99: Double
    var max: Double
}
