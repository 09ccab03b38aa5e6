import Foundation
import Testing

@testable import TwipBench

@Suite struct BenchReportTests {
    /// 100 responses of 1 ms to 100 ms, two connect failures, five 404s.
    static func sampleResult() -> BenchResult {
        var result = BenchResult(
            url: "http://127.0.0.1:8080/", path: "/", concurrency: 4, keepAlive: false,
            highestLatencyMicroseconds: 60_000_000)
        result.server = "nginx/1.22.1"
        result.documentLength = 612
        for millisecond in 1...100 { result.recordLatency(microseconds: UInt64(millisecond) * 1000) }
        result.responses = 100
        result.non2xx = 5
        result.statusCounts = [200: 95, 404: 5]
        result.failureCounts = [.connect: 2]
        result.bytes = 100 * 850
        result.bodyBytes = 100 * 612
        result.duration = 0.5
        return result
    }

    @Test func theTextReportReadsLikeAb() {
        let text = BenchReport(
            result: Self.sampleResult(), target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/")
        )
        .text()
        for line in [
            "Server Software:        nginx/1.22.1",
            "Server Port:            8080",
            "Document Path:          /",
            "Document Length:        612 bytes",
            "Concurrency Level:      4",
            "Time taken for tests:   0.500 seconds",
            "Complete requests:      102",
            "Failed requests:        2",
            "   (Connect: 2, Receive: 0, Length: 0, Exceptions: 0, Timeout: 0)",
            "Non-2xx responses:      5",
            "Total transferred:      85000 bytes",
            "HTML transferred:       61200 bytes",
            "Requests per second:    200.00 [#/sec] (mean)",
            "Time per request:       20.000 [ms] (mean)",
            "Time per request:       5.000 [ms] (mean, across all concurrent requests)",
            "Transfer rate:          166.02 [Kbytes/sec] received",
            "Percentage of the requests served within a certain time (ms)",
            " 100%   100.000 (longest request)",
        ] {
            #expect(text.contains(line + "\n"), "missing \(line.debugDescription) in\n\(text)")
        }
        // Latencies were 1...100 ms, so the p-th percentile is p ms, within the histogram's 3 digits.
        let rows = text.split(separator: "\n").filter {
            $0.range(of: #"^ *\d+%  "#, options: .regularExpression) != nil
        }
        #expect(
            rows.map { Int($0.split(separator: "%")[0].trimmingCharacters(in: .whitespaces)) } == [
                50, 66, 75, 80, 90, 95, 98, 99, 100,
            ])
        for row in rows {
            let fields = row.split(separator: " ")
            let percentile = Double(fields[0].dropLast()) ?? -1
            let value = Double(fields[1]) ?? -1
            #expect(abs(value - percentile) <= percentile * 0.001, "\(row)")
        }
    }

    @Test func theJSONReportHasTheFieldsPipelinesRead() throws {
        let json = BenchReport(
            result: Self.sampleResult(), target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/")
        )
        .json()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 102)
        #expect(object["failures"] as? Int == 2)
        #expect(object["non2xx"] as? Int == 5)
        #expect(object["rps"] as? Double == 200)
        #expect(object["duration_s"] as? Double == 0.5)
        #expect(object["bytes"] as? Int == 85000)
        let kinds = try #require(object["failure_kinds"] as? [String: Int])
        #expect(kinds["connect"] == 2)
        #expect(kinds["timeout"] == 0)
        let latency = try #require(object["latency_ms"] as? [String: Double])
        for (key, expected) in [("p50", 50.0), ("p90", 90), ("p99", 99), ("max", 100), ("min", 1)] {
            let value = try #require(latency[key], "\(key)")
            #expect(abs(value - expected) <= expected * 0.001, "\(key) = \(value)")
        }
        #expect(latency["max"] == 100)
        #expect(abs((latency["mean"] ?? 0) - 50.5) < 0.1)
    }

    @Test func aRunWithNoResponsesReportsZerosNotGarbage() throws {
        var result = BenchResult(
            url: "http://127.0.0.1:9/", path: "/", concurrency: 1, keepAlive: false, highestLatencyMicroseconds: 1000)
        result.failureCounts = [.connect: 3]
        result.duration = 0.01
        #expect(result.everyRequestFailed)
        let report = BenchReport(result: result, target: BenchTarget(host: "127.0.0.1", port: 9, path: "/"))
        #expect(report.text().contains("No responses"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 3)
        #expect(object["rps"] as? Double == 0)
    }

    @Test func mergingPartsAddsCountsAndHistograms() {
        var first = Self.sampleResult()
        let second = Self.sampleResult()
        first.merge(second)
        #expect(first.responses == 200)
        #expect(first.failureCounts[.connect] == 4)
        #expect(first.latencyCount == 200)
        #expect(first.statusCounts[404] == 10)
        #expect(first.duration == 0.5)
    }
}
