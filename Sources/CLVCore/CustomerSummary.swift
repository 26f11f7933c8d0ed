/// The recency–frequency–monetary history of one customer, the input of the "buy till you die" models.
///
/// The vocabulary is that of Fader, Hardie & Lee (2005) and of the `lifetimes` package:
/// `frequency` x is the number of *repeat* purchase periods, `recency` tₓ the time from the first to the
/// last purchase period, `age` T the time from the first purchase period to the end of observation, and
/// `monetaryValue` the mean value of the repeat purchases (0 when there are none). Times are in `timeUnit`.
public struct CustomerSummary: Sendable, Hashable, Codable {
    /// The customer.
    public var customerID: String
    /// Number of repeat purchase periods, x.
    public var frequency: Int
    /// Time from first to last purchase period, tₓ.
    public var recency: Double
    /// Time from first purchase period to the end of observation, T.
    public var age: Double
    /// Mean value of the repeat purchase periods, or 0 without repeats.
    public var monetaryValue: Double

    /// A summary from its figures (times in the caller's unit).
    public init(customerID: String, frequency: Int, recency: Double, age: Double, monetaryValue: Double) {
        self.customerID = customerID
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetaryValue = monetaryValue
    }
}
