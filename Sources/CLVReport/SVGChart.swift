import Foundation

/// A small SVG chart: linear or logarithmic y axis with "nice" ticks, grid lines, line, point and bar
/// series, and a legend laid out in rows between the title and the plot (so it never covers data or labels).
/// Output is self-contained SVG text (no scripts, no external resources) with a `viewBox`, so it scales
/// with the page.
///
/// Elements carry classes that the render test reads: `plot` (the plot area, with the y range in
/// `data-y-lo`/`data-y-hi` and `data-y-scale`), `bar` (with its value in `data-value`), `legend-entry`,
/// `tick`, `axis-label`, `title`.
public struct SVGChart: Sendable {
    /// One data series.
    public struct Series: Sendable {
        /// How the series is drawn: `line`, `dashedLine` (e.g. a reference line), `bars` (side by side
        /// when several bar series share an x) or `points`.
        public enum Style: Sendable { case line, dashedLine, bars, points }
        /// The legend entry (a legend is drawn only when the chart has more than one series).
        public var name: String
        /// The x values, paired by index with ``y``.
        public var x: [Double]
        /// The y values; points with a non-finite coordinate (or y ≤ 0 on a log axis) are not drawn.
        public var y: [Double]
        /// How the series is drawn.
        public var style: Style
        /// A series; extra points of the longer of `x` and `y` are dropped.
        public init(name: String, x: [Double], y: [Double], style: Style = .line) {
            self.name = name; self.x = x; self.y = y; self.style = style
        }
    }

    /// The y axis: linear from 0 (or below), or base-10 logarithmic (positive values only).
    public enum Scale: String, Sendable { case linear, log }

    /// The Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// The font stack of every chart and page: the system UI font, then the CJK fonts of Linux (Noto Sans
    /// CJK, Source Han Sans), macOS (PingFang) and Windows (Microsoft YaHei).
    public static let fontStack = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans', sans-serif"

    /// The title above the legend and the plot.
    public var title: String
    /// The x axis label, below the plot.
    public var xLabel: String
    /// The y axis label, rotated, left of the plot.
    public var yLabel: String
    /// The series, drawn in order and coloured from ``palette`` by their position.
    public var series: [Series]
    /// The chart size in SVG user units (the `viewBox`), by default 640 × 360.
    public var width = 640.0, height = 360.0
    /// The y axis scale (default linear).
    public var yScale: Scale = .linear
    /// Optional vertical marker (e.g. the end of calibration) with a label.
    public var marker: (x: Double, label: String)?
    /// Format of x tick labels (default: numbers).
    public var xTickFormat: @Sendable (Double) -> String = { SVGChart.number($0) }
    /// Format of y tick labels (default: numbers).
    public var yTickFormat: (@Sendable (Double) -> String)?

    /// A 640 × 360 chart with a linear y axis, no marker and numeric tick labels.
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

    /// Ticks of a logarithmic axis over `lo...hi` (both > 0): the powers of ten, with 2 and 5 between
    /// them when the range spans fewer than three decades.
    public static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return [max(lo, 1)] }
        let first = Int(Foundation.log10(lo).rounded(.down)), last = Int(Foundation.log10(hi).rounded(.up))
        let multiples: [Double] = last - first < 3 ? [1, 2, 5] : [1]
        var out: [Double] = []
        for e in first...last {
            for m in multiples {
                let v = m * Foundation.pow(10, Double(e))
                if v >= lo * (1 - 1e-9), v <= hi * (1 + 1e-9) { out.append(v) }
            }
        }
        return out
    }

    /// Short number text for tick labels (1.5k, 2M; small values with the digits they need: 0.004).
    public static func number(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e6 { return trim(v / 1e6) + "M" }
        if a >= 1e4 { return trim(v / 1e3) + "k" }
        if a < 1e-6 { return "0" }
        if a < 0.01 { return String(format: "%.2g", v) }
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

    /// A generous estimate of the width of `text` at `fontSize` (CJK and full-width characters one em,
    /// Latin capitals and digits about 0.7 em, lower case 0.62 em), so that laid-out text never collides.
    public static func textWidth(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for u in text.unicodeScalars {
            switch u.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
                em += 1
            case 0x20: em += 0.34
            case 0x30...0x39: em += 0.66
            case 0x41...0x5A: em += 0.74
            case 0x61...0x7A: em += 0.62
            case 0x2C, 0x2E, 0x3A, 0x3B, 0x27, 0x7C, 0x21: em += 0.36
            default: em += 0.7
            }
        }
        return em * fontSize
    }

    /// The font size (at most `size`, at least 9) at which `text` fits into `room`.
    static func fitting(_ text: String, size: Double, room: Double) -> Double {
        let w = textWidth(text, fontSize: size)
        return w <= room ? size : max(9, (size * room / w * 10).rounded(.down) / 10)
    }

    /// Legend entries laid out in rows of at most `room` width: (series index, x offset, row).
    static func legendLayout(_ names: [String], room: Double, fontSize: Double) -> [(index: Int, x: Double, row: Int)] {
        var out: [(Int, Double, Int)] = []
        var x = 0.0, row = 0
        for (k, name) in names.enumerated() {
            let w = 16 + textWidth(name, fontSize: fontSize) + 14
            if x > 0, x + w > room { x = 0; row += 1 }
            out.append((k, x, row))
            x += w
        }
        return out
    }

    /// The SVG text.
    public func render() -> String {
        let fontSize = 12.0
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = series.flatMap(\.y).filter { $0.isFinite && (yScale == .linear || $0 > 0) }
        // Bars are centred on their x; pad by half the spacing of the bar positions.
        let barXs = Array(Set(series.filter { $0.style == .bars }.flatMap(\.x).filter(\.isFinite))).sorted()
        let spacing = zip(barXs, barXs.dropFirst()).map { $1 - $0 }.min() ?? 1
        var xLo = xs.min() ?? 0, xHi = xs.max() ?? 1
        if !barXs.isEmpty { xLo -= spacing / 2; xHi += spacing / 2 }
        if xHi <= xLo { xHi = xLo + 1 }
        var yLo: Double, yHi: Double, yTicks: [Double]
        switch yScale {
        case .linear:
            yLo = min(0, ys.min() ?? 0)
            yHi = (ys.max() ?? 1) * 1.05
            if yHi <= yLo { yHi = yLo + 1 }
            yTicks = Self.ticks(yLo, yHi)
            yHi = max(yHi, yTicks.last ?? yHi)
        case .log:
            // From half the smallest value (so that a bar of the smallest value shows) to the decade above the largest.
            let smallest = ys.min() ?? 1, largest = ys.max() ?? 10
            let target = smallest / 2, decade = Foundation.pow(10, Foundation.log10(target).rounded(.down))
            yLo = decade * (target / decade >= 5 ? 5 : target / decade >= 2 ? 2 : 1)
            yHi = Foundation.pow(10, Foundation.log10(largest * 1.05).rounded(.up))
            if yHi <= yLo { yHi = yLo * 10 }
            yTicks = Self.logTicks(yLo, yHi)
        }
        let yFormat = yTickFormat ?? { SVGChart.number($0) }
        let yTickWidth = yTicks.map { Self.textWidth(yFormat($0), fontSize: fontSize) }.max() ?? 20
        let left = (24 + yTickWidth + 10).rounded(.up), right = 16.0, bottom = 56.0
        let plotW = width - left - right
        // Title, then the legend rows, then the plot.
        let titleSize = Self.fitting(title, size: 14, room: width - left - right)
        let legendNames = series.count > 1 ? series.map(\.name) : []
        let legend = Self.legendLayout(legendNames, room: plotW, fontSize: fontSize)
        let legendRows = (legend.map(\.row).max() ?? -1) + 1
        let top = 32 + Double(legendRows) * 18 + (legendRows > 0 ? 6 : 4)
        let plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * plotW }
        func fraction(_ y: Double) -> Double {
            yScale == .linear ? (y - yLo) / (yHi - yLo) : (Foundation.log10(y) - Foundation.log10(yLo)) / (Foundation.log10(yHi) - Foundation.log10(yLo))
        }
        func py(_ y: Double) -> Double { top + plotH - fraction(y) * plotH }
        func r(_ v: Double) -> String { Self.trim(v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(Self.escape(title))\" font-family=\"\(Self.fontStack)\" font-size=\"\(Int(fontSize))\">"
        s += "<title>\(Self.escape(title))</title>"
        s += "<text class=\"title\" x=\"\(r(left))\" y=\"20\" font-size=\"\(r(titleSize))\" font-weight=\"600\">\(Self.escape(title))</text>"
        s += "<rect class=\"plot\" x=\"\(r(left))\" y=\"\(r(top))\" width=\"\(r(plotW))\" height=\"\(r(plotH))\" fill=\"none\" data-y-lo=\"\(yLo)\" data-y-hi=\"\(yHi)\" data-y-scale=\"\(yScale.rawValue)\"/>"
        // Grid and y ticks.
        for t in yTicks {
            let y = py(t)
            s += "<line class=\"grid\" x1=\"\(r(left))\" x2=\"\(r(left + plotW))\" y1=\"\(r(y))\" y2=\"\(r(y))\" stroke=\"#e5e5e5\"/>"
            s += "<text class=\"tick\" x=\"\(r(left - 6))\" y=\"\(r(y + 4))\" text-anchor=\"end\">\(Self.escape(yFormat(t)))</text>"
        }
        // X ticks: thinned until their labels do not touch.
        var xTicks = Self.ticks(xLo, xHi)
        let widest = xTicks.map { Self.textWidth(xTickFormat($0), fontSize: fontSize) }.max() ?? 0
        if xTicks.count > 1, (px(xTicks[1]) - px(xTicks[0])) < widest + 8 { xTicks = stride(from: 0, to: xTicks.count, by: 2).map { xTicks[$0] } }
        for t in xTicks {
            let x = px(t)
            let label = xTickFormat(t), half = Self.textWidth(label, fontSize: fontSize) / 2
            // The first and last labels are kept inside the chart.
            let anchor = x - half < 2 ? "start" : x + half > width - 2 ? "end" : "middle"
            s += "<line class=\"tickmark\" x1=\"\(r(x))\" x2=\"\(r(x))\" y1=\"\(r(top + plotH))\" y2=\"\(r(top + plotH + 4))\" stroke=\"#555\"/>"
            s += "<text class=\"tick\" x=\"\(r(x))\" y=\"\(r(top + plotH + 17))\" text-anchor=\"\(anchor)\">\(Self.escape(label))</text>"
        }
        s += "<line class=\"axis\" x1=\"\(r(left))\" x2=\"\(r(left + plotW))\" y1=\"\(r(top + plotH))\" y2=\"\(r(top + plotH))\" stroke=\"#555\"/>"
        s += "<line class=\"axis\" x1=\"\(r(left))\" x2=\"\(r(left))\" y1=\"\(r(top))\" y2=\"\(r(top + plotH))\" stroke=\"#555\"/>"
        let xLabelSize = Self.fitting(xLabel, size: fontSize, room: width - 8)
        s += "<text class=\"axis-label\" x=\"\(r(left + plotW / 2))\" y=\"\(r(height - 12))\" text-anchor=\"middle\" font-size=\"\(r(xLabelSize))\">\(Self.escape(xLabel))</text>"
        let yLabelSize = Self.fitting(yLabel, size: fontSize, room: plotH + top - 28)
        s += "<text class=\"axis-label\" transform=\"translate(14 \(r(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"\(r(yLabelSize))\">\(Self.escape(yLabel))</text>"
        if let marker {
            let x = px(marker.x)
            let fits = x + 4 + Self.textWidth(marker.label, fontSize: fontSize) < left + plotW
            s += "<line class=\"marker\" x1=\"\(r(x))\" x2=\"\(r(x))\" y1=\"\(r(top))\" y2=\"\(r(top + plotH))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
            s += "<text class=\"marker-label\" x=\"\(r(fits ? x + 4 : x - 4))\" y=\"\(r(top + plotH - 6))\" fill=\"#555\"\(fits ? "" : " text-anchor=\"end\"")>\(Self.escape(marker.label))</text>"
        }
        let barSeries = series.filter { $0.style == .bars }.count
        var barIndex = 0
        let base = yScale == .linear ? py(max(yLo, min(0, yHi))) : top + plotH
        for (k, serie) in series.enumerated() {
            let colour = Self.palette[k % Self.palette.count]
            let points = zip(serie.x, serie.y).filter { $0.0.isFinite && $0.1.isFinite && (yScale == .linear || $0.1 > 0) }
            switch serie.style {
            case .line, .dashedLine:
                let path = points.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(r(px(p.0))),\(r(py(p.1)))" }.joined()
                s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(serie.style == .dashedLine ? " stroke-dasharray=\"6 4\"" : "")/>"
            case .points:
                for p in points { s += "<circle class=\"series\" cx=\"\(r(px(p.0)))\" cy=\"\(r(py(p.1)))\" r=\"2.5\" fill=\"\(colour)\"/>" }
            case .bars:
                let slot = spacing / (xHi - xLo) * plotW * 0.84 / Double(max(barSeries, 1))
                for p in points {
                    let x = px(p.0) - slot * Double(barSeries) / 2 + slot * Double(barIndex)
                    let y = py(p.1)
                    let (y0, h) = (min(y, base), abs(base - y))
                    s += "<rect class=\"series bar\" data-value=\"\(p.1)\" x=\"\(r(x))\" y=\"\(r(y0))\" width=\"\(r(slot * 0.92))\" height=\"\(r(h))\" fill=\"\(colour)\"/>"
                }
                barIndex += 1
            }
        }
        // Legend: rows between the title and the plot.
        for entry in legend {
            let colour = Self.palette[entry.index % Self.palette.count]
            let (x, y) = (left + entry.x, 30 + Double(entry.row) * 18)
            s += "<g class=\"legend-entry\"><rect x=\"\(r(x))\" y=\"\(r(y))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(r(x + 16))\" y=\"\(r(y + 10.5))\">\(Self.escape(legendNames[entry.index]))</text></g>"
        }
        s += "</svg>"
        return s
    }
}
