import CLVCore
import Foundation

/// Number, money, date and model-name text of the report, in English or Chinese.
///
/// English groups thousands with commas (47,790.14); Chinese writes large amounts in 万 (10⁴) and
/// 亿 (10⁸), as Chinese finance reports do (21.07万, 3.5亿), and dates as 2024年1月1日.
public enum ReportFormat {
    /// `v` with `digits` decimals and a comma between groups of three integer digits: 1,234,567.89.
    public static func grouped(_ v: Double, digits: Int = 2) -> String {
        guard v.isFinite else { return "–" }
        let text = String(format: "%.\(digits)f", abs(v))
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
        return (v < 0 && !isZero ? "-" : "") + out
    }

    /// A count: 2,000.
    public static func count(_ v: Double) -> String { grouped(v, digits: 0) }

    /// A plain amount (no currency): grouped with two decimals in English; in Chinese from 10⁴ on in
    /// 万 and from 10⁸ on in 亿 with up to two decimals (21.07万, 3.5亿).
    public static func amount(_ v: Double, language: Language) -> String {
        guard v.isFinite else { return "–" }
        guard language == .zh else { return grouped(v) }
        let a = abs(v)
        let sign = v < 0 ? "-" : ""
        // Units by the rounded value: 9,999.999 is 1万 (not 10,000.00) and 99,999,999.999 is 1亿 (not 10000万).
        if (a / 1e4 * 100).rounded() / 100 >= 1e4 { return sign + trimmed(a / 1e8) + "亿" }
        if (a * 100).rounded() / 100 >= 1e4 { return sign + trimmed(a / 1e4) + "万" }
        return grouped(v)
    }

    /// Money: the amount with its currency. A symbol (¥, US$, €) goes before the number, a code (USD,
    /// RMB) after it; in Chinese, renminbi (CNY, RMB, 人民币, 元, ￥) is written 元 after the number.
    /// Without a currency, the bare amount.
    public static func money(_ v: Double, currency: String?, language: Language) -> String {
        let number = amount(v, language: language)
        guard let c = currency?.trimmingCharacters(in: .whitespaces), !c.isEmpty, v.isFinite else { return number }
        if language == .zh, isRenminbi(c) { return number + "元" }
        if c.unicodeScalars.allSatisfy({ CharacterSet.letters.contains($0) }) {
            return number + (c.unicodeScalars.allSatisfy(\.isASCII) ? " " : "") + c
        }
        return number.hasPrefix("-") ? "-" + c + number.dropFirst() : c + number
    }

    static func isRenminbi(_ c: String) -> Bool {
        ["CNY", "RMB", "人民币", "元", "￥"].contains(c.uppercased())
    }

    /// A share as a percentage: 0.3 → 30%.
    public static func percent(_ share: Double, digits: Int = 0) -> String {
        share.isFinite ? String(format: "%.\(digits)f%%", 100 * share) : "–"
    }

    /// Up to two decimals, trailing zeros removed: 21.07, 3.5, 12.
    static func trimmed(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    /// A calendar date `yyyy-mm-dd` (optionally followed by an ISO 8601 time, `THH:MM:SSZ`): in English
    /// "1 January 2024" (with ", 17:06 UTC" for a time), in Chinese "2024年1月1日" (with " 17:06（UTC）").
    /// Text that is no such date is returned unchanged.
    public static func date(_ text: String, language: Language) -> String {
        let chars = Array(text.utf8)
        guard chars.count >= 10, let (y, m, d) = parseDate(chars, at: 0) else { return text }
        var time = ""
        if chars.count >= 16, chars[10] == UInt8(ascii: "T") {
            let hm = String(decoding: chars[11..<16], as: UTF8.self)
            let utc = text.hasSuffix("Z") || text.hasSuffix("+00:00")
            time = language == .zh ? " \(hm)" + (utc ? "（UTC）" : "") : ", \(hm)" + (utc ? " UTC" : "")
        } else if chars.count > 10 {
            return text
        }
        return language == .zh ? "\(y)年\(m)月\(d)日" + time : "\(d) \(monthNames[m - 1]) \(y)" + time
    }

    /// Every `yyyy-mm-dd` in `text` written as a Chinese date (2024年1月1日); English text is unchanged.
    public static func datesInText(_ text: String, language: Language) -> String {
        guard language == .zh else { return text }
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return text }
        var out: [UInt8] = []
        var i = 0
        func digit(_ k: Int) -> Bool { k >= 0 && k < bytes.count && bytes[k] >= 0x30 && bytes[k] <= 0x39 }
        while i < bytes.count {
            if i + 10 <= bytes.count, !digit(i - 1), !digit(i + 10), let (y, m, d) = parseDate(bytes, at: i) {
                out += Array("\(y)年\(m)月\(d)日".utf8)
                i += 10
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func parseDate(_ b: [UInt8], at i: Int) -> (Int, Int, Int)? {
        guard i + 10 <= b.count, b[i + 4] == UInt8(ascii: "-"), b[i + 7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for k in range { guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }; v = v * 10 + Int(b[k] - 0x30) }
            return v
        }
        guard let y = number(i..<i + 4), let m = number(i + 5..<i + 7), let d = number(i + 8..<i + 10),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return (y, m, d)
    }

    /// Display names of the model keys of `model.json` and the CLI (`bgnbd` → BG/NBD).
    public static let modelNames: [String: String] = [
        "bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "pnbd": "Pareto/NBD", "bgbb": "BG/BB", "gg": "Gamma-Gamma", "sbg": "sBG",
    ]

    /// The display name of a model key; other names are returned unchanged.
    public static func modelName(_ key: String) -> String { modelNames[key] ?? key }

    /// `text` with every model key that stands as a word replaced by its display name.
    public static func spellOutModelNames(_ text: String) -> String {
        var out = ""
        var word = ""
        func flush() { out += modelNames[word] ?? word; word = "" }
        for c in text {
            if c.isASCII, c.isLetter || c.isNumber || c == "_" { word.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }

    /// The reason `clv analyze` gives for its model choice, with model names spelled out, in `language`.
    /// The Chinese text translates the phrases the model selector writes; numbers are kept.
    public static func selectionReason(_ reason: String, language: Language) -> String {
        var text = spellOutModelNames(reason)
        guard language == .zh else { return text }
        let phrases: [(String, String)] = [
            ("lowest mean absolute error of per-customer holdout purchases: ", "每位客户留存期购买次数的平均绝对误差最低："),
            ("lowest AIC: ", "AIC 最低："),
            ("; no holdout, so the choice is by fit, not by predictive accuracy", "；没有留存期，因此按拟合优度而非预测准确度选择"),
            ("; with --penalizer 0.01, since no model was identified without one", "；不加惩罚项时没有可识别的模型，因此使用 --penalizer 0.01"),
            ("; refitted on all data", "；随后用全部数据重新拟合"),
            ("given with --calibration-end", "由 --calibration-end 指定"),
        ]
        for (en, zh) in phrases { text = text.replacingOccurrences(of: en, with: zh) }
        // Punctuation of the candidates' list: "(BG/NBD 0.48, MBG/NBD 0.46)" → "（BG/NBD 0.48，MBG/NBD 0.46）".
        text = text.replacingOccurrences(of: " (", with: "（").replacingOccurrences(of: "(", with: "（")
            .replacingOccurrences(of: ")", with: "）").replacingOccurrences(of: ", ", with: "，")
        return datesInText(text, language: .zh)
    }
}
