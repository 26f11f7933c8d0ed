import Foundation

/// The package's JSON conventions in one place: snake_case keys, sorted keys, non-finite numbers as the
/// strings `Infinity`, `-Infinity` and `NaN`.
public enum JSONCoding {
    /// An encoder with snake_case keys, sorted; pretty-printed unless `compact`.
    public static func encoder(compact: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = compact ? [.sortedKeys] : [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// A decoder from snake_case keys that reads the strings of non-finite numbers back.
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }
}
