import Foundation

/// Maps data values to one pixel axis, linearly or on a log scale, and chooses its labelled ticks.
struct PlotScale: Sendable {
    /// A labelled position on the axis.
    struct Tick: Sendable, Equatable {
        var value: Double
        var label: String
    }

    /// The data range shown, from `lower` to `upper` (both positive on a log scale).
    let lower: Double
    let upper: Double
    /// The pixel positions of `lower` and `upper` (a y axis runs from bottom to top).
    let from: Double
    let to: Double
    let isLog: Bool
    let ticks: [Tick]

    /// A linear scale from 0 (or `lower`) to a round number at or above `upper` (or `upper` itself when
    /// `roundUp` is false), with about `count` ticks.
    static func linear(
        lower: Double = 0, upper: Double, from: Double, to: Double, count: Int = 5, roundUp: Bool = true,
        label: (Double) -> String = PlotScale.number
    ) -> PlotScale {
        let top = upper > lower ? upper : lower + 1
        let step = niceStep((top - lower) / Double(max(1, count)))
        let roundedTop = roundUp ? (top / step).rounded(.up) * step : top
        var values: [Double] = []
        var value = (lower / step).rounded(.up) * step
        while value <= roundedTop + step / 1000 * (roundUp ? 1 : 0) {
            values.append(value)
            value += step
        }
        return PlotScale(
            lower: lower, upper: roundedTop, from: from, to: to, isLog: false,
            ticks: values.map { Tick(value: $0, label: label($0)) })
    }

    /// A log scale over whole decades around `lower...upper` (both > 0), labelled 1-2-5 when it spans few decades.
    static func logarithmic(
        lower: Double, upper: Double, from: Double, to: Double, label: (Double) -> String = PlotScale.number
    ) -> PlotScale {
        let low = pow(10, floor(log10(max(lower, 1e-9))))
        let high = pow(10, ceil(log10(max(upper, low * 10))))
        let decades = Int((log10(high) - log10(low)).rounded())
        let multiples: [Double] = decades <= 2 ? [1, 2, 5] : [1]
        var values: [Double] = []
        var decade = low
        while decade <= high * 1.0001 {
            for multiple in multiples where decade * multiple <= high * 1.0001 { values.append(decade * multiple) }
            decade *= 10
        }
        return PlotScale(
            lower: low, upper: high, from: from, to: to, isLog: true,
            ticks: values.map { Tick(value: $0, label: label($0)) })
    }

    /// A latency scale: linear from 0, or logarithmic when the values span more than `logAbove` times.
    static func latency(values: [Double], from: Double, to: Double, logAbove: Double) -> PlotScale {
        let positive = values.filter { $0 > 0 }
        let low = positive.min() ?? 0
        let high = positive.max() ?? 1
        if low > 0, high / low > logAbove {
            return logarithmic(lower: low, upper: high, from: from, to: to, label: milliseconds)
        }
        return linear(upper: high, from: from, to: to, label: milliseconds)
    }

    /// The pixel position of `value`, clamped to the axis.
    func position(_ value: Double) -> Double {
        let fraction: Double
        if isLog {
            let clamped = min(max(value, lower), upper)
            fraction = (log10(clamped) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            fraction = (min(max(value, lower), upper) - lower) / (upper - lower)
        }
        return from + (to - from) * fraction
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= raw * 0.999 { return multiple * magnitude }
        return 10 * magnitude
    }

    /// A count or rate as an axis label: 950, 1.5k, 20k, 1.2M.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000, places: 2) + "M" }
        if magnitude >= 1_000 { return trimmed(value / 1_000, places: 2) + "k" }
        return trimmed(value, places: 2)
    }

    /// Milliseconds as an axis label: 0.05, 1.5, 250, 1200.
    static func milliseconds(_ value: Double) -> String {
        trimmed(value, places: value >= 100 ? 0 : value >= 1 ? 2 : 3)
    }

    /// `value` with at most `places` decimals and no trailing zeros.
    static func trimmed(_ value: Double, places: Int) -> String {
        var text = String(format: "%.\(places)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
