import Foundation
import FoundationXML
import Histogram
import NIOCore
import Testing

@testable import TwipBench

/// A run recorded through the load generator's own recording path, with synthetic clocks.
enum RecordedRun {
    static let startedAt = 1_764_000_000.0
    static let failoverSecond = 2
    static let responsesPerSecond = 200
    static let connectFailures = 30
    static let unavailable = 12
    static let marks = [
        BenchMark(time: startedAt + 1.9, label: "release started"),
        BenchMark(time: startedAt + 3.2, label: "replicas <back> & ready"),
    ]

    /// 5 s of 200 responses a second at 1-4 ms, then a 5 ms sliver with 3 more; in second 2 latency rises to
    /// 40-80 ms, 30 connections are refused and 12 responses are 503.
    static func result() -> BenchResult {
        var configuration = BenchConfiguration(target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/"))
        configuration.duration = 5
        configuration.keepAlive = true
        let shared = SharedRun(configuration: configuration, start: .uptimeNanoseconds(7_000_000_000))
        var result = BenchResult(
            url: "http://127.0.0.1:8080/", path: "/", concurrency: 4, keepAlive: true,
            highestLatencyMicroseconds: shared.highestLatencyMicroseconds)
        let start = shared.startNanoseconds
        func respond(status: Int, at ended: UInt64, microseconds: UInt64) {
            let response = ResponseParser.Response(
                status: status, keepAlive: true, bodyLength: 612, receivedLength: 850)
            shared.record(.response(response), into: &result, startedAt: ended - microseconds * 1000, now: ended)
        }
        for second in 0..<5 {
            for index in 0..<responsesPerSecond {
                let ended = start + UInt64(second) * 1_000_000_000 + UInt64(index) * 4_000_000 + 1_000_000
                let failover = second == failoverSecond
                let microseconds = failover ? 40_000 + UInt64(index) * 200 : 1_000 + UInt64(index % 4) * 1_000
                respond(status: failover && index < unavailable ? 503 : 200, at: ended, microseconds: microseconds)
            }
        }
        for index in 0..<connectFailures {
            let ended = start + UInt64(failoverSecond) * 1_000_000_000 + UInt64(index) * 10_000_000
            shared.record(.failure(.connect), into: &result, startedAt: ended - 1_000_000, now: ended)
        }
        for index in 0..<3 {
            respond(status: 200, at: start + 5_001_000_000 + UInt64(index) * 1_000_000, microseconds: 900)
        }
        result.duration = 5.005
        result.startedAt = startedAt
        result.marks = marks
        return result
    }
}

@Suite struct BenchSeriesTests {
    @Test func eachRequestCountsInTheSecondItEnded() {
        let result = RecordedRun.result()
        let series = BenchSeries(result: result)
        #expect(series.seconds.count == 6)
        #expect(series.seconds.map(\.responses) == [200, 200, 200, 200, 200, 3])
        #expect(series.seconds.map(\.failures) == [0, 0, RecordedRun.connectFailures, 0, 0, 0])
        #expect(series.seconds.map(\.non2xx) == [0, 0, RecordedRun.unavailable, 0, 0, 0])
        #expect(series.seconds.map(\.responses).reduce(0, +) == result.responses)
        #expect(series.seconds.map(\.failures).reduce(0, +) == result.failedRequests)
        #expect(series.seconds.map(\.start) == [0, 1, 2, 3, 4, 5])
    }

    @Test func eachSecondHasItsOwnLatencyPercentiles() throws {
        let series = BenchSeries(result: RecordedRun.result())
        let calm = series.seconds[0]
        let failover = series.seconds[RecordedRun.failoverSecond]
        // Two significant digits: within 1 % of the recorded values.
        #expect(try #require(calm.p50) >= 1.99 && calm.p50! <= 2.02)
        #expect(try #require(calm.max) >= 3.99 && calm.max! <= 4.04)
        #expect(try #require(failover.p50) >= 59 && failover.p50! <= 61)
        #expect(try #require(failover.p99) >= 79 && failover.p99! <= 80.2)
        #expect(series.seconds[5].p99 == 0.9)
    }

    @Test func theLastSecondCoversOnlyWhatTheRunLasted() {
        let series = BenchSeries(result: RecordedRun.result())
        #expect(series.seconds.dropLast().allSatisfy { $0.length == 1 })
        #expect(abs(series.seconds[5].length - 0.005) < 1e-9)
        #expect(abs(series.seconds[5].requestsPerSecond - 600) < 1e-6)
    }

    @Test func marksArePlacedRelativeToTheStartOfTheRun() {
        let series = BenchSeries(result: RecordedRun.result())
        #expect(series.marks.map(\.label) == RecordedRun.marks.map(\.label))
        #expect(series.marks.map { ($0.offset * 1000).rounded() } == [1900, 3200])
    }

    @Test func loopTimelinesMergeSecondBySecond() {
        var first = BenchTimeline()
        first.recordResponse(second: 0, microseconds: 1_000)
        first.recordFailure(second: 1)
        var second = BenchTimeline()
        second.recordResponse(second: 0, microseconds: 3_000, non2xx: true)
        second.recordResponse(second: 3, microseconds: 5_000)
        first.merge(second)
        #expect(first.seconds.map(\.responses) == [2, 0, 0, 1])
        #expect(first.seconds.map(\.failures) == [0, 1, 0, 0])
        #expect(first.seconds.map(\.non2xx) == [1, 0, 0, 0])
        #expect(first.seconds[0].latency.totalCount == 2)
        #expect(first.seconds[0].latency.maxRecorded >= 3_000)
    }

    @Test func theJSONReportCarriesTheSeriesTheMarksAndThePercentiles() throws {
        let result = RecordedRun.result()
        let json = BenchReport(result: result, target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/")).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let series = try #require(object["series"] as? [[String: Any]])
        #expect(series.count == 6)
        #expect(series.compactMap { $0["responses"] as? Int }.reduce(0, +) == result.responses)
        #expect(series.compactMap { $0["failures"] as? Int } == [0, 0, RecordedRun.connectFailures, 0, 0, 0])
        #expect(series.compactMap { $0["t"] as? Double } == [0, 1, 2, 3, 4, 5])
        let failover = try #require(series[RecordedRun.failoverSecond]["latency_ms"] as? [String: Double])
        #expect(Set(failover.keys) == ["p50", "p90", "p99", "max"])
        #expect(try #require(failover["p50"]) > 50)
        let marks = try #require(object["marks"] as? [[String: Any]])
        #expect(marks.compactMap { $0["label"] as? String } == RecordedRun.marks.map(\.label))
        #expect(marks.compactMap { $0["t"] as? Double } == [1.9, 3.2])
        #expect(object["started_at"] as? Double == RecordedRun.startedAt)
        let percentiles = try #require(object["latency_percentiles"] as? [[String: Double]])
        #expect(percentiles.compactMap { $0["percentile"] } == BenchSeries.reportedPercentiles)
        let values = percentiles.compactMap { $0["ms"] }
        #expect(values == values.sorted())
    }

    @Test func theTextReportListsTheMarks() {
        let text = BenchReport(
            result: RecordedRun.result(), target: BenchTarget(host: "127.0.0.1", port: 8080, path: "/")
        )
        .text()
        #expect(
            text.contains(
                "Marks (seconds since the start)\n   1.900  release started\n   3.200  replicas <back> & ready\n"))
    }
}

@Suite struct BenchPlotTests {
    static func document(_ svg: String) throws -> XMLDocument {
        try XMLDocument(xmlString: svg, options: [])
    }

    static func values(_ document: XMLDocument, _ xpath: String) throws -> [String] {
        try document.nodes(forXPath: xpath).compactMap(\.stringValue)
    }

    /// The points of a path's `d` (pairs after M and L).
    static func points(_ d: String) -> [(Double, Double)] {
        d.split(separator: " ").compactMap { part in
            let numbers = part.dropFirst().split(separator: ",").compactMap { Double($0) }
            return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
        }
    }

    @Test func theSVGParsesAsXMLAndDrawsEverySeries() throws {
        let result = RecordedRun.result()
        let document = try Self.document(BenchPlot(result: result).svg())
        #expect(document.rootElement()?.name == "svg")
        // Rates and percentiles are drawn for the five whole seconds (the 5 ms sliver would be noise):
        // one horizontal segment, two points, per second.
        for id in ["requests-per-second", "latency-p50", "latency-p99", "latency-max"] {
            let d = try #require(try Self.values(document, "//*[@id='\(id)']/@d").first, "\(id) is drawn")
            #expect(Self.points(d).count == 10, "\(id)")
        }
        let rates = Self.points(try Self.values(document, "//*[@id='requests-per-second']/@d")[0])
        #expect(Set(rates.map(\.1)).count == 1, "200 responses every second draw one flat line")
        let p50 = Self.points(try Self.values(document, "//*[@id='latency-p50']/@d")[0])
        #expect(p50[4].1 < p50[0].1, "the failover second's median is drawn higher (smaller y)")
        #expect(try Self.values(document, "//*[@id='failures-per-second']/*/@data-count") == ["30"])
        #expect(try Self.values(document, "//*[@id='failures-per-second']/*/@data-second") == ["2"])
        #expect(try Self.values(document, "//*[@id='non2xx-per-second']/*/@data-count") == ["12"])
        let curve = try #require(try Self.values(document, "//*[@id='latency-percentiles']/@d").first)
        let curvePoints = Self.points(curve)
        #expect(curvePoints.count == 201)
        #expect(curvePoints.map(\.0) == curvePoints.map(\.0).sorted(), "percentiles grow left to right")
        #expect(
            curvePoints.map { -$0.1 } == curvePoints.map { -$0.1 }.sorted(),
            "latency never falls as the percentile grows")
    }

    @Test func theSVGDrawsTheMarksWhereTheyHappened() throws {
        let document = try Self.document(BenchPlot(result: RecordedRun.result()).svg())
        #expect(
            try Self.values(document, "//*[@class='mark']/*[local-name()='text']") == RecordedRun.marks.map(\.label))
        #expect(try Self.values(document, "//*[@class='mark']/@data-offset") == ["1.9", "3.2"])
        let xs = try Self.values(document, "//*[@class='mark']/*[local-name()='line']/@x1").compactMap(Double.init)
        let plotWidth = BenchPlot.plotRight - BenchPlot.plotLeft
        #expect(abs(xs[0] - (BenchPlot.plotLeft + plotWidth * 1.9 / 5.005)) < 0.2)
        #expect(abs(xs[1] - (BenchPlot.plotLeft + plotWidth * 3.2 / 5.005)) < 0.2)
    }

    @Test func theSVGHasLabelledAxesWithUnits() throws {
        let document = try Self.document(BenchPlot(result: RecordedRun.result()).svg())
        let axes = try Self.values(document, "//*[@class='axis']/@id")
        #expect(axes == ["requests-axis", "failures-axis", "latency-axis", "percentile-axis"])
        let timeTicks = try Self.values(document, "//*[@id='requests-axis']/*[local-name()='text']")
        #expect(timeTicks.contains("0") && timeTicks.contains("5"))
        #expect(timeTicks.contains("req/s"))
        #expect(try Self.values(document, "//*[@id='latency-axis']/*[local-name()='text']").contains("ms"))
        let percentileTicks = try Self.values(document, "//*[@id='percentile-axis']/*[local-name()='text']")
        for label in ["50 %", "90 %", "99 %", "99.9 %", "99.99 %", "99.999 %"] {
            #expect(percentileTicks.contains(label), "\(label)")
        }
        let texts = try Self.values(document, "//*[local-name()='text']")
        #expect(texts.contains("seconds since the start of the run"))
        #expect(texts.contains("Requests per second"))
        #expect(texts.contains("p99"))
        #expect(texts.contains { $0.contains("30 failed") && $0.contains("12 non-2xx") })
    }

    @Test func aRunWithoutResponsesStillDrawsAndSaysSo() throws {
        var result = BenchResult(
            url: "http://127.0.0.1:9/", path: "/", concurrency: 2, keepAlive: false, highestLatencyMicroseconds: 1_000)
        result.failureCounts = [.connect: 4]
        result.timeline.recordFailure(second: 0)
        result.duration = 0.01
        let document = try Self.document(BenchPlot(result: result).svg())
        #expect(try Self.values(document, "//*[local-name()='text']").filter { $0 == "no responses" }.count == 2)
        #expect(try Self.values(document, "//*[@id='failures-per-second']/*/@data-count") == ["1"])
    }

    @Test func theHTMLPageHoldsTheSameSVGAndNothingToFetch() throws {
        let plot = BenchPlot(result: RecordedRun.result())
        let html = plot.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let start = try #require(html.range(of: "<svg "))
        let end = try #require(html.range(of: "</svg>"))
        let inline = String(html[start.lowerBound..<end.upperBound]) + "\n"
        #expect(plot.svg().hasSuffix(inline))
        _ = try Self.document(inline)
        for reference in ["<script", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(reference), "\(reference)")
        }
    }

    @Test(arguments: [("run.svg", BenchPlot.Format.svg), ("out/run.HTML", .html), ("run.htm", .html)])
    func theFileNameChoosesTheFormat(path: String, format: BenchPlot.Format) {
        #expect(BenchPlot.Format(path: path) == format)
    }

    @Test(arguments: ["run.png", "run", "svg"])
    func otherFileNamesAreNoPictureFormat(path: String) {
        #expect(BenchPlot.Format(path: path) == nil)
    }
}
