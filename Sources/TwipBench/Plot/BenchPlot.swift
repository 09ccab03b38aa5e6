import Foundation
import Histogram

/// Draws a recorded run as one SVG picture: requests per second, failed requests and latency per second
/// with the run's marks as labelled vertical lines, then the latency percentile distribution on
/// HdrHistogram's log scale (50 % to 99.999 %). No script, no external resource: it reads in any browser.
public struct BenchPlot: Sendable {
    /// The file kinds a picture can be written as.
    public enum Format: String, Sendable, CaseIterable {
        /// A standalone SVG image.
        case svg
        /// An HTML page with the SVG inline.
        case html

        /// The format a file name asks for by its extension (.svg, .html or .htm), or nil.
        public init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "svg": self = .svg
            case "html", "htm": self = .html
            default: return nil
            }
        }
    }

    /// The run drawn.
    public let result: BenchResult
    /// Its numbers second by second.
    public let series: BenchSeries

    /// A picture of `result`.
    public init(result: BenchResult) {
        self.result = result
        self.series = BenchSeries(result: result)
    }

    /// The picture in `format`.
    public func render(_ format: Format) -> String {
        format == .svg ? svg() : html()
    }

    /// A self-contained HTML page with the picture inline.
    public func html() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(SVGWriter.escape(title))</title>
        <style>body { margin: 16px; background: #fff; } svg { max-width: 100%; height: auto; }</style>
        </head>
        <body>
        \(svg(standalone: false))</body>
        </html>

        """
    }

    // MARK: Layout

    static let width = 1000.0
    static let plotLeft = 84.0
    static let plotRight = width - 28
    static let timePanelHeight = 170.0
    static let failurePanelHeight = 70.0
    static let percentilePanelHeight = 200.0
    static let markRowHeight = 16.0
    /// Below the last time panel: its tick labels and the time axis title.
    static let timeAxisTitleSpace = 48.0
    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"
    /// A white outline behind text, so a mark line passing under a label does not cross its letters.
    static let halo = [
        ("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round"), ("paint-order", "stroke"),
    ]

    enum Color {
        static let requests = "#1f77b4"
        static let failed = "#d62728"
        static let non2xx = "#ff7f0e"
        static let p50 = "#2ca02c"
        static let p99 = "#9467bd"
        static let max = "#7f7f7f"
        static let mark = "#444444"
        static let grid = "#e6e6e6"
        static let axis = "#555555"
        static let muted = "#666666"
        static let good = "#2a7d2a"
    }

    var title: String { "twip bench \(result.url)" }

    /// The picture as SVG markup.
    public func svg() -> String { svg(standalone: true) }

    private func svg(standalone: Bool) -> String {
        var writer = SVGWriter()
        let time = PlotScale.linear(
            upper: max(series.duration, 0.001), from: Self.plotLeft, to: Self.plotRight, count: 10, roundUp: false)
        var y = drawHeader(&writer)
        let placed = placeMarks(time: time)
        let rows = placed.map(\.row).max().map { $0 + 1 } ?? 0
        let marksTop = y
        y += Double(rows) * Self.markRowHeight + (rows > 0 ? 6 : 0)
        var panels = SVGWriter()
        y = drawRequestsPanel(&panels, time: time, top: y)
        y = drawFailuresPanel(&panels, time: time, top: y)
        y = drawLatencyPanel(&panels, time: time, top: y)
        // Marks go under the panels' data and text, so a line never hides a value or a label.
        drawMarks(&writer, placed, marksTop: marksTop, to: y - Self.timeAxisTitleSpace)
        y = drawPercentilePanel(&panels, top: y + 8)
        let height = (y + 12).rounded()
        var document: [String] = []
        if standalone { document.append(#"<?xml version="1.0" encoding="UTF-8"?>"#) }
        document.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(Self.width))" height="\#(Int(height))" "#
                + #"viewBox="0 0 \#(Int(Self.width)) \#(Int(height))" font-family="\#(Self.font)" font-size="12">"#)
        document.append("  <title>\(SVGWriter.escape(title))</title>")
        document.append(##"  <rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>"##)
        document += writer.lines + panels.lines
        document.append("</svg>")
        return document.joined(separator: "\n") + "\n"
    }

    /// Title and one line of totals; returns where the panels start.
    func drawHeader(_ writer: inout SVGWriter) -> Double {
        writer.text(Self.plotLeft - 60, 28, title, [("font-size", "18"), ("font-weight", "bold")])
        let r = result
        var facts = [
            String(format: r.duration < 1 ? "%.3f s" : "%.1f s", r.duration),
            "\(r.concurrency) connection\(r.concurrency == 1 ? "" : "s")",
            r.keepAlive ? "keep-alive" : "a connection per request",
            "\(Self.grouped(r.requests)) requests", "\(Self.grouped(Int(r.requestsPerSecond.rounded()))) req/s",
            "\(Self.grouped(r.failedRequests)) failed", "\(Self.grouped(r.non2xx)) non-2xx",
        ]
        if r.latencyCount > 0 {
            facts.append("p50 \(PlotScale.milliseconds(r.latencyMilliseconds(atPercentile: 50))) ms")
            facts.append("p99 \(PlotScale.milliseconds(r.latencyMilliseconds(atPercentile: 99))) ms")
            facts.append("max \(PlotScale.milliseconds(Double(r.latency.maxRecorded) / 1000)) ms")
        }
        writer.text(Self.plotLeft - 60, 50, facts.joined(separator: "  ·  "), [("fill", "#333333")])
        if r.startedAt > 0 {
            let started = Date(timeIntervalSince1970: r.startedAt)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            writer.text(
                Self.plotLeft - 60, 68,
                "started \(formatter.string(from: started)) (UTC); time axes in seconds since then",
                [("fill", Color.muted), ("font-size", "11")])
        }
        return 84
    }
}
