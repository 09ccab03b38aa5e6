import Foundation
import Histogram

/// The latency percentile distribution, drawn as HdrHistogram's plotter does.
extension BenchPlot {

    /// Where the x axis of the percentile plot puts `percentile`: log10 of 1 / (1 - p), as HdrHistogram does.
    static func percentilePosition(_ percentile: Double) -> Double { log10(100 / max(100 - percentile, 1e-9)) }

    static let labelledPercentiles: [Double] = [50, 90, 99, 99.9, 99.99, 99.999]

    func drawPercentilePanel(_ writer: inout SVGWriter, top: Double) -> Double {
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
}
