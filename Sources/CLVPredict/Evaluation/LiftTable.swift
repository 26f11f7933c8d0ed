/// Lift and cumulative gains by group of rows (deciles by default), from the highest score down.
///
/// Rows are sorted by score, highest first, ties in row order (``RankedScores``), then split into
/// `groups` consecutive groups sized as `numpy.array_split` does: the first n mod groups groups
/// have one row more than the others (with fewer rows than groups the last groups are empty).
/// A ratio whose denominator is 0 (an empty group, or no positive at all) is 0.
public struct LiftTable: Sendable, Hashable, Codable {
    /// One group of ranked rows.
    public struct Group: Sendable, Hashable, Codable {
        /// 1 for the highest scores.
        public var group: Int
        /// Rows in the group.
        public var rows: Int
        /// Rows labelled 1 in the group.
        public var positives: Int
        /// positives / rows.
        public var responseRate: Double
        /// responseRate / the overall rate of positives.
        public var lift: Double
        /// Rows in this group and all higher-scored ones.
        public var cumulativeRows: Int
        /// Positives in this group and all higher-scored ones.
        public var cumulativePositives: Int
        /// cumulativePositives / all positives: the share of positives captured so far.
        public var cumulativeGain: Double
        /// (cumulativePositives / cumulativeRows) / the overall rate of positives.
        public var cumulativeLift: Double

        /// A group from its fields.
        public init(group: Int, rows: Int, positives: Int, responseRate: Double, lift: Double, cumulativeRows: Int,
                    cumulativePositives: Int, cumulativeGain: Double, cumulativeLift: Double) {
            self.group = group
            self.rows = rows
            self.positives = positives
            self.responseRate = responseRate
            self.lift = lift
            self.cumulativeRows = cumulativeRows
            self.cumulativePositives = cumulativePositives
            self.cumulativeGain = cumulativeGain
            self.cumulativeLift = cumulativeLift
        }

        private enum CodingKeys: String, CodingKey {
            case group, rows, positives, lift
            case responseRate = "response_rate", cumulativeRows = "cumulative_rows"
            case cumulativePositives = "cumulative_positives", cumulativeGain = "cumulative_gain"
            case cumulativeLift = "cumulative_lift"
        }
    }

    /// All positives / all rows.
    public var overallRate: Double
    /// The groups, highest scores first.
    public var groups: [Group]

    /// A table from its fields.
    public init(overallRate: Double, groups: [Group]) {
        self.overallRate = overallRate
        self.groups = groups
    }

    /// The lift table of `scores` against the 0/1 `labels`.
    /// - Parameter groups: how many groups (10 for deciles), at least 1.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label, or
    ///   ``PredictionError/invalidOption(_:)`` when `groups` < 1.
    public init(labels: [UInt8], scores: [Double], groups: Int = 10) throws {
        guard groups >= 1 else { throw PredictionError.invalidOption("a lift table needs at least 1 group (got \(groups))") }
        self.init(try RankedScores(labels: labels, scores: scores), groups: groups)
    }

    /// The lift table of already ranked scores.
    /// - Precondition: `groups` ≥ 1.
    /// - Complexity: O(n).
    public init(_ ranked: RankedScores, groups: Int = 10) {
        precondition(groups >= 1, "a lift table needs at least 1 group")
        let n = ranked.count, total = ranked.positives
        let overall = Self.ratio(Double(total), Double(n))
        let (base, extra) = n.quotientAndRemainder(dividingBy: groups)
        var table: [Group] = []
        table.reserveCapacity(groups)
        var start = 0, cumulativePositives = 0
        for k in 0 ..< groups {
            let size = base + (k < extra ? 1 : 0)
            var positives = 0
            for i in start ..< start + size { positives += Int(ranked.labels[i]) }
            start += size
            cumulativePositives += positives
            let rate = Self.ratio(Double(positives), Double(size))
            let cumulativeRate = Self.ratio(Double(cumulativePositives), Double(start))
            table.append(Group(group: k + 1, rows: size, positives: positives, responseRate: rate,
                               lift: Self.ratio(rate, overall), cumulativeRows: start,
                               cumulativePositives: cumulativePositives,
                               cumulativeGain: Self.ratio(Double(cumulativePositives), Double(total)),
                               cumulativeLift: Self.ratio(cumulativeRate, overall)))
        }
        self.init(overallRate: overall, groups: table)
    }

    private static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }

    private enum CodingKeys: String, CodingKey {
        case overallRate = "overall_rate", groups
    }
}
