import CLVCore
/// One segment of a segmentation: a stable key, a name and a recommended action in both languages.
public struct SegmentDefinition: Sendable, Hashable, Codable {
    /// Stable machine key, e.g. `important_value`.
    public var key: String
    /// The segment's display name.
    public var name: BilingualText
    /// What to do with the customers in this segment.
    public var action: BilingualText
    /// The rule that puts a customer here, in words.
    public var rule: BilingualText

    /// A segment from its key, name, action and rule.
    public init(key: String, name: BilingualText, action: BilingualText, rule: BilingualText) {
        self.key = key
        self.name = name
        self.action = action
        self.rule = rule
    }
}

/// Customers assigned to segments: every customer is in exactly one of ``segments``.
public struct Segmentation: Sendable {
    /// The method, e.g. `rfm`, `abc`.
    public var method: String
    /// The segments that ``assignment`` indexes into; a segment may have no customers.
    public var segments: [SegmentDefinition]
    /// Index into ``segments`` for each customer.
    public var assignment: [Int32]

    /// A segmentation; every value of `assignment` must be a valid index into `segments` (not checked).
    public init(method: String, segments: [SegmentDefinition], assignment: [Int32]) {
        self.method = method
        self.segments = segments
        self.assignment = assignment
    }

    /// The segment of customer `i`.
    public func segment(of i: Int) -> SegmentDefinition { segments[Int(assignment[i])] }

    /// Customers per segment.
    public var sizes: [Int] {
        var n = [Int](repeating: 0, count: segments.count)
        for s in assignment { n[Int(s)] += 1 }
        return n
    }
}
