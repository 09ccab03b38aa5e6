import Foundation

/// Marks on the timeline: labelled dashed lines, labels stacked in rows so that none covers another.
extension BenchPlot {

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

    func drawMarks(_ writer: inout SVGWriter, _ placed: [PlacedMark], marksTop: Double, to: Double) {
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
}
