import Foundation

/// A heat map as SVG: rows × columns of values on a sequential blue scale, with a colour bar.
public struct SVGHeatMap: Sendable {
    /// The title above the map.
    public var title: String
    /// The x axis label, below the map.
    public var xLabel: String
    /// The y axis label, rotated, left of the map.
    public var yLabel: String
    /// `values[row][column]`; row 0 is drawn at the bottom.
    public var values: [[Double]]
    /// Column labels, each centred under the column at `position` (zero-based).
    public var xTicks: [(position: Int, label: String)]
    /// Row labels, each centred beside the row at `position` (zero-based, 0 at the bottom).
    public var yTicks: [(position: Int, label: String)]
    /// The map size in SVG user units (the `viewBox`), by default 640 × 360.
    public var width = 640.0, height = 360.0

    /// A 640 × 360 heat map. Every row of `values` must have as many columns as the first; non-finite
    /// cells are drawn white and left out of the colour scale.
    public init(title: String, xLabel: String, yLabel: String, values: [[Double]],
                xTicks: [(position: Int, label: String)], yTicks: [(position: Int, label: String)]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.values = values
        self.xTicks = xTicks; self.yTicks = yTicks
    }

    /// Light (low) to dark (high) blue, readable with colour-vision deficiencies and in greyscale.
    static func colour(_ t: Double) -> String {
        let u = min(max(t, 0), 1)
        let (r0, g0, b0) = (247.0, 251.0, 255.0), (r1, g1, b1) = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * u).rounded()) }
        return String(format: "#%02X%02X%02X", mix(r0, r1), mix(g0, g1), mix(b0, b1))
    }

    /// The SVG text.
    public func render() -> String {
        let left = 64.0, right = 70.0, top = 36.0, bottom = 56.0
        let rows = values.count, columns = values.first?.count ?? 0
        let plotW = width - left - right, plotH = height - top - bottom
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = max(finite.max() ?? 1, lo + 1e-12)
        let cw = plotW / Double(max(columns, 1)), ch = plotH / Double(max(rows, 1))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\" font-family=\"\(SVGChart.fontStack)\" font-size=\"12\">"
        let titleSize = SVGChart.fitting(title, size: 14, room: width - left - 8)
        s += "<title>\(SVGChart.escape(title))</title><text class=\"title\" x=\"\(left)\" y=\"20\" font-size=\"\(SVGChart.trim(titleSize))\" font-weight=\"600\">\(SVGChart.escape(title))</text>"
        for r in 0..<rows {
            for c in 0..<columns {
                let v = values[r][c]
                let x = left + Double(c) * cw, y = top + plotH - Double(r + 1) * ch
                s += "<rect class=\"cell\" x=\"\(SVGChart.trim(x))\" y=\"\(SVGChart.trim(y))\" width=\"\(SVGChart.trim(cw + 0.5))\" height=\"\(SVGChart.trim(ch + 0.5))\" fill=\"\(v.isFinite ? Self.colour((v - lo) / (hi - lo)) : "#ffffff")\"/>"
            }
        }
        for t in xTicks {
            let x = left + (Double(t.position) + 0.5) * cw
            s += "<text class=\"tick\" x=\"\(SVGChart.trim(x))\" y=\"\(top + plotH + 17)\" text-anchor=\"middle\">\(SVGChart.escape(t.label))</text>"
        }
        for t in yTicks {
            let y = top + plotH - (Double(t.position) + 0.5) * ch
            s += "<text class=\"tick\" x=\"\(left - 6)\" y=\"\(SVGChart.trim(y + 4))\" text-anchor=\"end\">\(SVGChart.escape(t.label))</text>"
        }
        let xLabelSize = SVGChart.fitting(xLabel, size: 12, room: width - 8)
        s += "<text class=\"axis-label\" x=\"\(SVGChart.trim(min(left + plotW / 2, width / 2)))\" y=\"\(height - 12)\" text-anchor=\"middle\" font-size=\"\(SVGChart.trim(xLabelSize))\">\(SVGChart.escape(xLabel))</text>"
        let yLabelSize = SVGChart.fitting(yLabel, size: 12, room: plotH + top - 28)
        s += "<text class=\"axis-label\" transform=\"translate(14 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\" font-size=\"\(SVGChart.trim(yLabelSize))\">\(SVGChart.escape(yLabel))</text>"
        // Colour bar.
        let barX = left + plotW + 16
        for k in 0..<20 {
            let u = Double(k) / 19
            s += "<rect class=\"colorbar\" x=\"\(barX)\" y=\"\(SVGChart.trim(top + plotH - Double(k + 1) * plotH / 20))\" width=\"14\" height=\"\(SVGChart.trim(plotH / 20 + 0.5))\" fill=\"\(Self.colour(u))\"/>"
        }
        s += "<text class=\"tick\" x=\"\(barX + 18)\" y=\"\(top + 10)\">\(SVGChart.number(hi))</text><text class=\"tick\" x=\"\(barX + 18)\" y=\"\(top + plotH)\">\(SVGChart.number(lo))</text>"
        s += "</svg>"
        return s
    }
}
