/// The languages of CLVKit's reports, tables, segment names and data-quality lines: English and
/// Simplified Chinese (`--lang en|zh`).
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, zh

    /// The text of `item` in this language.
    public func text(_ item: some Localized) -> String { item.text(self) }
}

/// Something with a text in every ``Language``: the one localisation mechanism of CLVKit (segment
/// names and actions, report labels, data-problem kinds).
public protocol Localized {
    /// The text in `language`.
    func text(_ language: Language) -> String
}

/// A label or sentence in English and Simplified Chinese.
///
/// Segment names, profiles and recommended actions carry both languages, so one run can feed an English
/// and a Chinese report; ``text(_:)`` picks one.
public struct BilingualText: Localized, Sendable, Hashable, Codable {
    /// The English text.
    public var english: String
    /// The Simplified Chinese text.
    public var chinese: String

    /// A text from its English and its Simplified Chinese form, in that order.
    public init(_ english: String, _ chinese: String) {
        self.english = english
        self.chinese = chinese
    }

    /// ``chinese`` for ``Language/zh``, else ``english``.
    public func text(_ language: Language) -> String { language == .zh ? chinese : english }
}
