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
        drawMarks(&writer, placed, marksTop: marksTop, to: y - 48)
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
    private func drawHeader(_ writer: inout SVGWriter) -> Double {
        writer.text(Self.plotLeft - 60, 28, title, [("font-size", "18"), ("font-weight", "bold")])
        let r = result
        var facts = [
            String(format: "%.1f s", r.duration), "\(r.concurrency) connection\(r.concurrency == 1 ? "" : "s")",
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

    // MARK: Time panels

    /// The seconds rates and percentiles are drawn for: the run's last second is often a sliver of a few
    /// milliseconds, and a rate or a p99 over a sliver says nothing.
    var wholeSeconds: [BenchSeries.Second] {
        series.seconds.count == 1 ? series.seconds : series.seconds.filter { $0.length >= 0.25 }
    }

    private func drawRequestsPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
        let plotTop = top + 24
        let bottom = plotTop + Self.timePanelHeight
        let seconds = wholeSeconds
        let scale = PlotScale.linear(
            upper: (seconds.map(\.requestsPerSecond).max() ?? 0) * 1.08, from: bottom, to: plotTop)
        panelTitle(&writer, "Requests per second", top: top)
        legend(&writer, [(Color.requests, "responses per second (any status)", false)], top: top)
        frame(&writer, time: time, value: scale, id: "requests-axis", unit: "req/s", top: plotTop, bottom: bottom)
        let points = seconds.map { (start: $0.start, length: $0.length, value: Optional($0.requestsPerSecond)) }
        let outline = Self.stepPath(points, time: time, value: scale)
        if let first = seconds.first, let last = seconds.last, !outline.isEmpty {
            let area =
                "M\(SVGWriter.n(time.position(first.start))),\(SVGWriter.n(bottom)) "
                + "L" + outline.dropFirst()
                + " L\(SVGWriter.n(time.position(last.start + last.length))),\(SVGWriter.n(bottom)) Z"
            // Translucent, so the marks behind it show through.
            writer.element(
                "path", [("d", area), ("fill", Color.requests), ("fill-opacity", "0.18"), ("stroke", "none")])
        }
        writer.element(
            "path",
            [
                ("id", "requests-per-second"), ("class", "series"), ("d", outline), ("fill", "none"),
                ("stroke", Color.requests), ("stroke-width", "2"),
            ])
        return bottom + 30
    }

    private func drawFailuresPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
        let plotTop = top + 24
        let bottom = plotTop + Self.failurePanelHeight
        let highest = series.seconds.map { $0.failures + $0.non2xx }.max() ?? 0
        let scale = PlotScale.linear(upper: Double(max(highest, 1)), from: bottom, to: plotTop, count: 3) { value in
            value == value.rounded() ? PlotScale.number(value) : ""
        }
        panelTitle(&writer, "Failed requests per second", top: top)
        legend(
            &writer,
            [
                (Color.failed, "failed (connect, receive, length, timeout)", true),
                (Color.non2xx, "non-2xx responses", true),
            ],
            top: top)
        frame(&writer, time: time, value: scale, id: "failures-axis", unit: "requests", top: plotTop, bottom: bottom)
        writer.open("g", [("id", "failures-per-second"), ("class", "series"), ("fill", Color.failed)])
        for second in series.seconds where second.failures > 0 {
            bar(&writer, second, from: 0, count: second.failures, time: time, scale: scale)
        }
        writer.close()
        writer.open("g", [("id", "non2xx-per-second"), ("class", "series"), ("fill", Color.non2xx)])
        for second in series.seconds where second.non2xx > 0 {
            bar(&writer, second, from: second.failures, count: second.non2xx, time: time, scale: scale)
        }
        writer.close()
        if highest == 0 {
            writer.text(
                (Self.plotLeft + Self.plotRight) / 2, (plotTop + bottom) / 2 + 5,
                "no failed request, no non-2xx response",
                [("text-anchor", "middle"), ("fill", Color.good), ("font-size", "14"), ("font-weight", "bold")]
                    + Self.halo)
        }
        return bottom + 30
    }

    private func bar(
        _ writer: inout SVGWriter, _ second: BenchSeries.Second, from base: Int, count: Int, time: PlotScale,
        scale: PlotScale
    ) {
        let left = time.position(second.start)
        let right = time.position(second.start + second.length)
        let top = scale.position(Double(base + count))
        let bottom = scale.position(Double(base))
        // At least a pixel wide and high: one failed request must be visible in a long run.
        let width = max(1.5, right - left - 1)
        writer.rect(
            left + 0.5, min(top, bottom - 2), width, max(2, bottom - top),
            [("data-second", SVGWriter.n(second.start)), ("data-count", "\(count)")])
    }

    private func drawLatencyPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
        let plotTop = top + 24
        let bottom = plotTop + Self.timePanelHeight
        let values = wholeSeconds.flatMap { [$0.p50, $0.p99, $0.max].compactMap { $0 } }
        // p50 must stay readable under a tall max: a log scale once they are an order of magnitude apart.
        let scale = PlotScale.latency(values: values, from: bottom, to: plotTop, logAbove: 10)
        panelTitle(&writer, "Latency per second" + (scale.isLog ? " (log scale)" : ""), top: top)
        legend(
            &writer, [(Color.p50, "p50", false), (Color.p99, "p99", false), (Color.max, "max", false)], top: top)
        frame(&writer, time: time, value: scale, id: "latency-axis", unit: "ms", top: plotTop, bottom: bottom)
        let lines: [(id: String, color: String, width: String, dash: String?, value: (BenchSeries.Second) -> Double?)] =
            [
                ("latency-max", Color.max, "1.2", "4 3", { $0.max }),
                ("latency-p99", Color.p99, "2", nil, { $0.p99 }),
                ("latency-p50", Color.p50, "2", nil, { $0.p50 }),
            ]
        for line in lines {
            let points = wholeSeconds.map { (start: $0.start, length: $0.length, value: line.value($0)) }
            var attributes = [
                ("id", line.id), ("class", "series"), ("d", Self.stepPath(points, time: time, value: scale)),
                ("fill", "none"), ("stroke", line.color), ("stroke-width", line.width),
            ]
            if let dash = line.dash { attributes.append(("stroke-dasharray", dash)) }
            writer.element("path", attributes)
        }
        if values.isEmpty { noData(&writer, "no responses", top: plotTop, bottom: bottom) }
        writer.text(
            (Self.plotLeft + Self.plotRight) / 2, bottom + 34, "seconds since the start of the run",
            [("text-anchor", "middle"), ("fill", Color.axis)])
        return bottom + 48
    }

    /// Grid, axes and tick labels of a time panel.
    private func frame(
        _ writer: inout SVGWriter, time: PlotScale, value: PlotScale, id: String, unit: String, top: Double,
        bottom: Double
    ) {
        writer.open("g", [("id", id), ("class", "axis"), ("font-size", "11"), ("fill", Color.axis)])
        for tick in value.ticks {
            let y = value.position(tick.value)
            writer.line(Self.plotLeft, y, Self.plotRight, y, [("stroke", Color.grid)])
            if !tick.label.isEmpty { writer.text(Self.plotLeft - 6, y + 4, tick.label, [("text-anchor", "end")]) }
        }
        for tick in time.ticks {
            let x = time.position(tick.value)
            writer.line(x, top, x, bottom, [("stroke", Color.grid)])
            writer.line(x, bottom, x, bottom + 4, [("stroke", Color.axis)])
            writer.text(x, bottom + 16, tick.label, [("text-anchor", "middle")] + Self.halo)
        }
        writer.line(Self.plotLeft, bottom, Self.plotRight, bottom, [("stroke", Color.axis)])
        writer.line(Self.plotLeft, top, Self.plotLeft, bottom, [("stroke", Color.axis)])
        writer.text(
            Self.plotLeft - 52, (top + bottom) / 2, unit,
            [
                ("text-anchor", "middle"),
                ("transform", "rotate(-90 \(SVGWriter.n(Self.plotLeft - 52)) \(SVGWriter.n((top + bottom) / 2)))"),
            ])
        writer.close()
    }

    // MARK: Marks

    struct PlacedMark {
        var mark: BenchSeries.Mark
        var x: Double
        var row: Int
        var anchorEnd: Bool
        var label: String
    }

    /// Puts each mark's label in the first row where it does not run into another one.
    func placeMarks(time: PlotScale) -> [PlacedMark] {
        var rowEnds: [Double] = []
        var placed: [PlacedMark] = []
        for mark in series.marks.sorted(by: { $0.offset < $1.offset }) {
            var label = mark.label.count > 60 ? String(mark.label.prefix(59)) + "…" : mark.label
            if mark.offset < -1 { label += String(format: " (%.0f s before the run)", -mark.offset) }
            if mark.offset > series.duration + 1 {
                label += String(format: " (%.0f s after the run)", mark.offset - series.duration)
            }
            let x = time.position(mark.offset)
            let width = Double(label.count) * 6.8 + 10
            let anchorEnd = x + 4 + width > Self.width - 4
            let span = anchorEnd ? (x - 4 - width)...(x + 1) : (x - 1)...(x + 4 + width)
            let row = rowEnds.firstIndex { $0 < span.lowerBound } ?? rowEnds.count
            if row == rowEnds.count { rowEnds.append(span.upperBound) } else { rowEnds[row] = span.upperBound }
            placed.append(PlacedMark(mark: mark, x: x, row: row, anchorEnd: anchorEnd, label: label))
        }
        return placed
    }

    private func drawMarks(_ writer: inout SVGWriter, _ placed: [PlacedMark], marksTop: Double, to: Double) {
        writer.open("g", [("id", "marks"), ("font-size", "12"), ("fill", Color.mark)])
        for mark in placed {
            let baseline = marksTop + Double(mark.row) * Self.markRowHeight + 12
            writer.open("g", [("class", "mark"), ("data-offset", PlotScale.trimmed(mark.mark.offset, places: 3))])
            writer.line(
                mark.x, baseline - 10, mark.x, to,
                [("stroke", Color.mark), ("stroke-width", "1.2"), ("stroke-dasharray", "5 3")])
            writer.text(
                mark.anchorEnd ? mark.x - 4 : mark.x + 4, baseline, mark.label,
                [("text-anchor", mark.anchorEnd ? "end" : "start"), ("font-weight", "bold")])
            writer.close()
        }
        writer.close()
    }

    // MARK: Percentiles

    /// Where the x axis of the percentile plot puts `percentile`: log10 of 1 / (1 - p), as HdrHistogram does.
    static func percentilePosition(_ percentile: Double) -> Double { log10(100 / max(100 - percentile, 1e-9)) }

    static let labelledPercentiles: [Double] = [50, 90, 99, 99.9, 99.99, 99.999]

    private func drawPercentilePanel(_ writer: inout SVGWriter, top: Double) -> Double {
        let plotTop = top + 24
        let bottom = plotTop + Self.percentilePanelHeight
        let axis = PlotScale(
            lower: Self.percentilePosition(50), upper: Self.percentilePosition(99.999), from: Self.plotLeft,
            to: Self.plotRight, isLog: false, ticks: [])
        // 200 steps along the log axis from the median to 99.999 %.
        let steps = (0...200).map { step in
            100 - 100 / pow(10, axis.lower + (axis.upper - axis.lower) * Double(step) / 200)
        }
        let curve = BenchSeries.distribution(of: result.latency, at: steps)
        let scale = PlotScale.latency(values: curve.map(\.milliseconds), from: bottom, to: plotTop, logAbove: 30)
        panelTitle(&writer, "Latency by percentile" + (scale.isLog ? " (log scale)" : ""), top: top)
        legend(
            &writer, [(Color.requests, "latency at or below which the percentile of responses ended", false)], top: top)
        writer.open("g", [("id", "percentile-axis"), ("class", "axis"), ("font-size", "11"), ("fill", Color.axis)])
        for tick in scale.ticks {
            let y = scale.position(tick.value)
            writer.line(Self.plotLeft, y, Self.plotRight, y, [("stroke", Color.grid)])
            writer.text(Self.plotLeft - 6, y + 4, tick.label, [("text-anchor", "end")])
        }
        for percentile in Self.labelledPercentiles {
            let x = axis.position(Self.percentilePosition(percentile))
            writer.line(x, plotTop, x, bottom, [("stroke", Color.grid)])
            writer.text(x, bottom + 16, PlotScale.trimmed(percentile, places: 3) + " %", [("text-anchor", "middle")])
        }
        writer.line(Self.plotLeft, bottom, Self.plotRight, bottom, [("stroke", Color.axis)])
        writer.line(Self.plotLeft, plotTop, Self.plotLeft, bottom, [("stroke", Color.axis)])
        writer.text(
            Self.plotLeft - 52, (plotTop + bottom) / 2, "ms",
            [
                ("text-anchor", "middle"),
                ("transform", "rotate(-90 \(SVGWriter.n(Self.plotLeft - 52)) \(SVGWriter.n((plotTop + bottom) / 2)))"),
            ])
        writer.text(
            (Self.plotLeft + Self.plotRight) / 2, bottom + 34, "percentile of responses (log scale of 1 / (1 - p))",
            [("text-anchor", "middle")])
        writer.close()
        guard !curve.isEmpty else {
            noData(&writer, "no responses", top: plotTop, bottom: bottom)
            return bottom + 42
        }
        let path = curve.enumerated().map { index, point in
            let x = axis.position(Self.percentilePosition(point.percentile))
            return (index == 0 ? "M" : "L") + "\(SVGWriter.n(x)),\(SVGWriter.n(scale.position(point.milliseconds)))"
        }
        writer.element(
            "path",
            [
                ("id", "latency-percentiles"), ("class", "series"), ("d", path.joined(separator: " ")),
                ("fill", "none"),
                ("stroke", Color.requests), ("stroke-width", "2"),
            ])
        writer.open("g", [("id", "percentile-values"), ("font-size", "11"), ("fill", "#222222")])
        for point in BenchSeries.distribution(of: result.latency, at: Self.labelledPercentiles) {
            let x = axis.position(Self.percentilePosition(point.percentile))
            let y = scale.position(point.milliseconds)
            writer.element(
                "circle", [("cx", SVGWriter.n(x)), ("cy", SVGWriter.n(y)), ("r", "3"), ("fill", Color.requests)])
            let last = point.percentile == Self.labelledPercentiles.last
            writer.text(
                last ? x - 6 : x + 5, max(plotTop + 10, y - 7), PlotScale.milliseconds(point.milliseconds) + " ms",
                [("text-anchor", last ? "end" : "start")])
        }
        writer.close()
        return bottom + 42
    }

    // MARK: Pieces

    private func panelTitle(_ writer: inout SVGWriter, _ text: String, top: Double) {
        writer.text(
            Self.plotLeft, top + 14, text,
            [("font-size", "14"), ("font-weight", "bold"), ("fill", "#222222")] + Self.halo)
    }

    /// Legend entries right-aligned on the panel's title line; `box` draws a square swatch instead of a line.
    private func legend(_ writer: inout SVGWriter, _ entries: [(color: String, label: String, box: Bool)], top: Double)
    {
        // Text widths are estimated (no font metrics here): each swatch sits left of its own text, so a
        // misestimate changes the spacing, never makes a swatch cover text.
        let widths = entries.map { Double($0.label.count) * 6.8 }
        var x = Self.plotRight - widths.reduce(0, +) - Double(entries.count) * 26 - Double(entries.count - 1) * 16
        writer.open("g", [("class", "legend"), ("font-size", "12"), ("fill", "#333333")])
        for (entry, width) in zip(entries, widths) {
            if entry.box {
                writer.rect(x + 4, top + 4, 12, 12, [("fill", entry.color)])
            } else {
                writer.line(x, top + 10, x + 20, top + 10, [("stroke", entry.color), ("stroke-width", "3")])
            }
            writer.text(x + 26, top + 14, entry.label, Self.halo)
            x += 26 + width + 16
        }
        writer.close()
    }

    private func noData(_ writer: inout SVGWriter, _ text: String, top: Double, bottom: Double) {
        writer.text(
            (Self.plotLeft + Self.plotRight) / 2, (top + bottom) / 2, text,
            [("text-anchor", "middle"), ("fill", Color.muted), ("font-size", "14")])
    }

    /// A step line: each second a horizontal segment at its value; a second without a value breaks the line.
    static func stepPath(
        _ points: [(start: Double, length: Double, value: Double?)], time: PlotScale, value scale: PlotScale
    ) -> String {
        var parts: [String] = []
        var drawing = false
        for point in points {
            guard let value = point.value else {
                drawing = false
                continue
            }
            let y = SVGWriter.n(scale.position(value))
            let left = SVGWriter.n(time.position(point.start))
            let right = SVGWriter.n(time.position(point.start + point.length))
            parts.append((drawing ? "L" : "M") + "\(left),\(y)")
            parts.append("L\(right),\(y)")
            drawing = true
        }
        return parts.joined(separator: " ")
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
