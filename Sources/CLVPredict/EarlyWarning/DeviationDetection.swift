import Foundation

/// A customer whose recent behaviour deviates from their own history or from the model's expectation.
public struct Deviation: Sendable, Hashable, Codable {
    /// Where the expectation came from: `ownHistory` (`own_history`), the customer's purchase rate before the
    /// window; `model`, a transaction model fitted on the data before the window.
    public enum Basis: String, Sendable, Hashable, Codable { case ownHistory = "own_history", model }
    /// The customer id.
    public var customer: String
    /// What the expectation is based on.
    public var basis: Basis
    /// Purchase days in the window.
    public var actual: Double
    /// Expected purchase days in the window.
    public var expected: Double
    /// (actual − expected) / √expected: a Poisson z-score.
    public var zScore: Double
    /// The deviation in words, e.g. "0 purchase days where the model expected 5.0 (z = -2.2)".
    public var reason: String
}

/// Deviation detection on counts of purchase days in a recent window.
///
/// *Own history*: the customer's purchase rate before the window (purchase days ÷ days of history before
/// the window) times the window length is the expectation. *Model*: the expected purchases of a model
/// fitted before the window. Under a Poisson count the z-score (actual − expected)/√expected flags both
/// drops and surges; |z| ≥ `threshold` is reported, largest |z| first. Customers with an expectation below
/// `minimumExpected` are skipped (one missing purchase is not news).
public enum DeviationDetection {
    /// The customers whose purchase days in the window deviate from the expectation by |z| ≥ `threshold`,
    /// largest |z| first (ties by customer id). Expectations below `minimumExpected` or not finite are skipped.
    /// - Parameters:
    ///   - customers: customer ids; `actual` and `expected` are aligned with them.
    ///   - actual: purchase days in the window.
    ///   - expected: expected purchase days in the window (NaN skips the customer).
    ///   - basis: recorded on each ``Deviation``; it also picks the wording of the reason.
    /// - Throws: ``PredictionError/shape(_:)`` when the three arrays differ in length.
    public static func deviations(customers: [String], actual: [Double], expected: [Double], basis: Deviation.Basis,
                                  threshold: Double = 2, minimumExpected: Double = 0.5) throws -> [Deviation] {
        guard actual.count == customers.count, expected.count == customers.count else {
            throw PredictionError.shape("customers, actual and expected counts differ in length")
        }
        var out: [Deviation] = []
        for i in customers.indices where expected[i] >= minimumExpected && expected[i].isFinite {
            let z = (actual[i] - expected[i]) / expected[i].squareRoot()
            guard abs(z) >= threshold else { continue }
            let what = basis == .model ? "the model expected" : "their own history suggests"
            out.append(Deviation(customer: customers[i], basis: basis, actual: actual[i], expected: expected[i], zScore: z,
                                 reason: "\(Int(actual[i])) purchase days where \(what) \(String(format: "%.1f", expected[i])) (z = \(String(format: "%.1f", z)))"))
        }
        return out.sorted { abs($0.zScore) > abs($1.zScore) || (abs($0.zScore) == abs($1.zScore) && $0.customer < $1.customer) }
    }

    /// Own-history expectation for a window of `windowDays`: purchase days before the window ÷ days from the
    /// first purchase to the window start, times the window (customers without history before the window: NaN).
    public static func ownHistoryExpectation(purchaseDaysBefore: [Double], historyDaysBefore: [Double], windowDays: Double) -> [Double] {
        zip(purchaseDaysBefore, historyDaysBefore).map { n, days in days > 0 && n > 0 ? n / days * windowDays : .nan }
    }
}
