import Foundation

/// The panels over time: requests per second, failed requests per second, latency per second.
extension BenchPlot {

    /// The seconds rates and percentiles are drawn for: the run's last second is often a sliver of a few
    /// milliseconds, and a rate or a p99 over a sliver says nothing.
    var wholeSeconds: [BenchSeries.Second] {
        series.seconds.count == 1 ? series.seconds : series.seconds.filter { $0.length >= 0.25 }
    }

    func drawRequestsPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
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

    func drawFailuresPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
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

    func bar(
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

    func drawLatencyPanel(_ writer: inout SVGWriter, time: PlotScale, top: Double) -> Double {
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
        return bottom + Self.timeAxisTitleSpace
    }

    /// Grid, axes and tick labels of a time panel.
    func frame(
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

    func panelTitle(_ writer: inout SVGWriter, _ text: String, top: Double) {
        writer.text(
            Self.plotLeft, top + 14, text,
            [("font-size", "14"), ("font-weight", "bold"), ("fill", "#222222")] + Self.halo)
    }

    /// Legend entries right-aligned on the panel's title line; `box` draws a square swatch instead of a line.
    func legend(_ writer: inout SVGWriter, _ entries: [(color: String, label: String, box: Bool)], top: Double) {
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

    func noData(_ writer: inout SVGWriter, _ text: String, top: Double, bottom: Double) {
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
