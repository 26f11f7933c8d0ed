/// A label or sentence in English and Simplified Chinese.
///
/// Segment names, profiles and recommended actions carry both languages, so one run can
/// feed an English and a Chinese report; `text(chinese:)` picks one.
public struct BilingualText: Sendable, Hashable, Codable {
    /// The English text.
    public var english: String
    /// The Simplified Chinese text.
    public var chinese: String

    /// A text from its English and its Simplified Chinese form, in that order.
    public init(_ english: String, _ chinese: String) {
        self.english = english
        self.chinese = chinese
    }

    /// The Chinese text when `chinese` is true, else the English text.
    public func text(chinese: Bool) -> String { chinese ? self.chinese : english }
}
