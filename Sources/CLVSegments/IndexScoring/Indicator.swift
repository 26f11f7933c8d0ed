/// Whether larger or smaller values of an indicator are better.
public enum IndicatorDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// Larger is better (revenue, margin, order frequency).
    case benefit
    /// Smaller is better (days sales outstanding, return rate, cost to serve).
    case cost
}

/// One measure of an indicator system, e.g. a B2B customer's annual revenue or payment delay.
public struct Indicator: Sendable, Hashable, Codable {
    /// A unique name; errors and comparison matrices refer to the indicator by it.
    public var name: String
    /// Whether larger or smaller values are better.
    public var direction: IndicatorDirection
    /// A weight set by the analyst, used by ``IndicatorWeighting/given``; any scale, normalised to sum 1.
    public var givenWeight: Double?

    /// An indicator; by default larger is better and there is no given weight.
    public init(_ name: String, direction: IndicatorDirection = .benefit, givenWeight: Double? = nil) {
        self.name = name
        self.direction = direction
        self.givenWeight = givenWeight
    }
}
