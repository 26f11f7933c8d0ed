import Foundation

/// A small SVG chart: linear axes with "nice" ticks, grid lines, line, step and bar series, a legend.
/// Output is self-contained SVG text (no scripts, no external resources).
public struct SVGChart: Sendable {
    /// One data series.
    public struct Series: Sendable {
        public enum Style: Sendable { case line, dashedLine, bars, points }
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var style: Style
        public init(name: String, x: [Double], y: [Double], style: Style = .line) {
            self.name = name; self.x = x; self.y = y; self.style = style
        }
    }

    /// The Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 640.0, height = 360.0
    /// Optional vertical marker (e.g. the end of calibration) with a label.
    public var marker: (x: Double, label: String)?
    /// Format of x tick labels (default: numbers).
    public var xTickFormat: @Sendable (Double) -> String = { SVGChart.number($0) }

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// 1-2-5 "nice" ticks covering `lo...hi`.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = (lo / step).rounded(.down) * step
        var out: [Double] = []
        var v = first
        while v <= hi + step * 1e-9 { if v >= lo - step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v) }; v += step }
        return out
    }

    /// Short number text for tick labels (1.5k, 2M).
    public static func number(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e6 { return trim(v / 1e6) + "M" }
        if a >= 1e4 { return trim(v / 1e3) + "k" }
        return trim(v)
    }

    static func trim(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The SVG text.
    public func render() -> String {
        let left = 64.0, right = 16.0, top = 36.0, bottom = 56.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap(\.x).filter(\.isFinite), ys = series.flatMap(\.y).filter(\.isFinite)
        var xLo = xs.min() ?? 0, xHi = xs.max() ?? 1
        let hasBars = series.contains { $0.style == .bars }
        if hasBars { xLo -= 0.5; xHi += 0.5 }
        if xHi <= xLo { xHi = xLo + 1 }
        let yLo = min(0, ys.min() ?? 0)
        var yHi = (ys.max() ?? 1) * 1.05
        if yHi <= yLo { yHi = yLo + 1 }
        let yTicks = Self.ticks(yLo, yHi)
        yHi = max(yHi, yTicks.last ?? yHi)
        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yLo) / (yHi - yLo) * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(Self.escape(title))\" font-family=\"system-ui, -apple-system, 'Noto Sans CJK SC', sans-serif\" font-size=\"12\">"
        s += "<title>\(Self.escape(title))</title>"
        s += "<text x=\"\(left)\" y=\"20\" font-size=\"14\" font-weight=\"600\">\(Self.escape(title))</text>"
        // Grid and y ticks.
        for t in yTicks {
            let y = py(t)
            s += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#e5e5e5\"/>"
            s += "<text class=\"tick\" x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Self.number(t))</text>"
        }
        for t in Self.ticks(xLo, xHi) {
            let x = px(t)
            s += "<line class=\"tickmark\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top + plotH)\" y2=\"\(top + plotH + 4)\" stroke=\"#555\"/>"
            s += "<text class=\"tick\" x=\"\(x)\" y=\"\(top + plotH + 17)\" text-anchor=\"middle\">\(Self.escape(xTickFormat(t)))</text>"
        }
        s += "<line class=\"axis\" x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(top + plotH)\" y2=\"\(top + plotH)\" stroke=\"#555\"/>"
        s += "<line class=\"axis\" x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(top + plotH)\" stroke=\"#555\"/>"
        s += "<text class=\"axis-label\" x=\"\(left + plotW / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>"
        s += "<text class=\"axis-label\" transform=\"translate(14 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>"
        if let marker {
            let x = px(marker.x)
            s += "<line class=\"marker\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top)\" y2=\"\(top + plotH)\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
            s += "<text x=\"\(x + 4)\" y=\"\(top + plotH - 6)\" fill=\"#555\">\(Self.escape(marker.label))</text>"
        }
        let barSeries = series.filter { $0.style == .bars }.count
        var barIndex = 0
        for (k, serie) in series.enumerated() {
            let colour = Self.palette[k % Self.palette.count]
            let points = zip(serie.x, serie.y).filter { $0.0.isFinite && $0.1.isFinite }
            switch serie.style {
            case .line, .dashedLine:
                let path = points.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(Self.trim(px(p.0))),\(Self.trim(py(p.1)))" }.joined()
                s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(serie.style == .dashedLine ? " stroke-dasharray=\"6 4\"" : "")/>"
            case .points:
                for p in points { s += "<circle class=\"series\" cx=\"\(Self.trim(px(p.0)))\" cy=\"\(Self.trim(py(p.1)))\" r=\"2.5\" fill=\"\(colour)\"/>" }
            case .bars:
                let slot = plotW / max(xHi - xLo, 1) * 0.8 / Double(max(barSeries, 1))
                for p in points {
                    let x = px(p.0) - slot * Double(barSeries) / 2 + slot * Double(barIndex)
                    let y = py(max(p.1, 0)), h = abs(py(p.1) - py(0))
                    s += "<rect class=\"series\" x=\"\(Self.trim(x))\" y=\"\(Self.trim(y))\" width=\"\(Self.trim(slot * 0.92))\" height=\"\(Self.trim(h))\" fill=\"\(colour)\"/>"
                }
                barIndex += 1
            }
        }
        // Legend.
        var lx = left + 8
        for (k, serie) in series.enumerated() where series.count > 1 {
            let colour = Self.palette[k % Self.palette.count]
            s += "<rect class=\"legend\" x=\"\(lx)\" y=\"\(top + 4)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(lx + 16)\" y=\"\(top + 14)\">\(Self.escape(serie.name))</text>"
            lx += 24 + Double(serie.name.count) * 7.5
        }
        s += "</svg>"
        return s
    }
}
