import Foundation
import Testing

@testable import TwipBench

/// The picture as a person sees it: rendered by a real headless browser (Debian's chromium).
@Suite struct BenchPlotBrowserTests {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Renders `url` to a PNG of `width` x `height` with headless chromium; returns the PNG.
    static func screenshot(_ url: URL, width: Int, height: Int, in directory: URL) async throws -> Data {
        let output = directory.appendingPathComponent("shot-\(UUID().uuidString).png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--window-size=\(width),\(height)", "--screenshot=\(output.path)", url.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait without blocking a thread of the shared pool: other tests' load runs need them.
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium took more than 90 s to render \(url.path)")
        }
        process.waitUntilExit()
        return try Data(contentsOf: output)
    }

    @Test(.enabled(if: chromium != nil || isCI))
    func theHTMLPageRendersInAHeadlessBrowser() async throws {
        guard Self.chromium != nil else {
            Issue.record("chromium is not installed (apt-get install chromium; `make deps` installs it)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "twiptest-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("run.html")
        try BenchPlot(result: RecordedRun.result()).html().write(to: page, atomically: true, encoding: .utf8)
        let blankPage = directory.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blankPage, atomically: true, encoding: .utf8)

        let image = try PNGImage(data: try await Self.screenshot(page, width: 1040, height: 1100, in: directory))
        let blank = try PNGImage(data: try await Self.screenshot(blankPage, width: 1040, height: 1100, in: directory))
        #expect(image.width == 1040 && image.height == 1100)
        let total = image.width * image.height
        let white = image.count(near: (255, 255, 255), tolerance: 8)
        #expect(blank.count(near: (255, 255, 255), tolerance: 8) == total, "a blank page renders all white")
        #expect(total - white > total / 50, "at least 2 % of the picture is not white (\(total - white) pixels)")
        // The series' own colours: the request rate's fill and line, the failed requests' bar, the p99 line.
        #expect(
            image.count(near: (215, 230, 241), tolerance: 4) > 50_000, "the request rate's area is drawn (18 % blue)")
        #expect(image.count(near: (0x1f, 0x77, 0xb4), tolerance: 20) > 1_000, "the request rate line is drawn")
        #expect(image.count(near: (0xd6, 0x27, 0x28), tolerance: 20) > 500, "the failed requests' bar is drawn")
        #expect(image.count(near: (0x94, 0x67, 0xbd), tolerance: 20) > 500, "the p99 line is drawn")
    }
}

/// A real run's series add up to its totals on both engines.
@Suite struct BenchSeriesRunTests {
    @Test(.enabled(if: LoadGeneratorTests.hasNginx), arguments: [false, true])
    func aRealRunsSecondsAddUpToItsTotals(keepAlive: Bool) async throws {
        let nginx = try LoopbackNginx()
        defer { nginx.stop() }
        var configuration = BenchConfiguration(target: BenchTarget(host: "127.0.0.1", port: nginx.port, path: "/"))
        configuration.keepAlive = keepAlive
        // A count, not a duration: on a loaded machine a short duration can pass before a thread gets to run.
        configuration.requests = 6_000
        configuration.concurrency = 4
        let before = Date().timeIntervalSince1970
        let result = try await LoadGenerator(configuration: configuration).run()
        let series = BenchSeries(result: result)
        #expect(result.requests == 6_000)
        #expect(!series.seconds.isEmpty && series.seconds.count <= Int(result.duration) + 1)
        #expect(series.seconds.map(\.responses).reduce(0, +) == result.responses)
        #expect(series.seconds.map(\.failures).reduce(0, +) == result.failedRequests)
        #expect(series.seconds.allSatisfy { ($0.responses > 0) == ($0.p99 != nil) })
        #expect(result.startedAt >= before && result.startedAt <= before + 1)
    }
}
