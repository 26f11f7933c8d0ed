import CLVCore
/// A cluster described in original units: size, share of customers and of value, and the mean and
/// median of each feature, with a short plain-language label.
public struct ClusterProfile: Sendable, Hashable {
    /// The cluster's label value.
    public let cluster: Int
    /// Number of customers.
    public let size: Int
    /// size / all customers.
    public let customerShare: Double
    /// Sum of the value column (e.g. revenue or CLV) over the cluster.
    public let totalValue: Double
    /// totalValue / the value of all customers (0 when that total is 0).
    public let valueShare: Double
    /// Mean of each feature, in feature order.
    public let means: [Double]
    /// Median of each feature (mean of the two middle values for an even count).
    public let medians: [Double]
    /// Plain-language label from the medians relative to all customers, see ``automaticLabel(cluster:medians:means:overallMedians:overallMeans:roles:)``.
    public let label: BilingualText

    /// A profile from figures already computed; nothing is checked.
    public init(cluster: Int, size: Int, customerShare: Double, totalValue: Double, valueShare: Double, means: [Double],
                medians: [Double], label: BilingualText) {
        self.cluster = cluster
        self.size = size
        self.customerShare = customerShare
        self.totalValue = totalValue
        self.valueShare = valueShare
        self.means = means
        self.medians = medians
        self.label = label
    }

    /// Profiles of every cluster in `labels`, in ascending label order.
    ///
    /// - Parameters:
    ///   - labels: Cluster of each customer.
    ///   - features: Features in original units (e.g. `recency_days`, `frequency`, `monetary`, `clv`).
    ///   - value: The value whose share each cluster holds (e.g. revenue or CLV), one per customer.
    ///   - roles: What each feature measures; nil infers them from the column names (``Role/init(columnName:)``).
    /// - Throws: ``ClusteringError`` for bad data or mismatched lengths.
    public static func profiles(labels: [Int], features: FeatureMatrix, value: [Double], roles: [Role]? = nil) throws -> [ClusterProfile] {
        try features.validate()
        guard labels.count == features.rowCount, value.count == features.rowCount else {
            throw ClusteringError.shapeMismatch("\(labels.count) labels and \(value.count) values for \(features.rowCount) rows.")
        }
        if let i = value.firstIndex(where: { !$0.isFinite }) { throw ClusteringError.nonFiniteValue(row: i, column: "value") }
        let roles = roles ?? features.columnNames.map(Role.init(columnName:))
        guard roles.count == features.columnCount else {
            throw ClusteringError.shapeMismatch("\(roles.count) roles for \(features.columnCount) features.")
        }
        let columns = (0..<features.columnCount).map(features.column)
        let overallMeans = columns.map(mean)
        let overallMedians = columns.map(median)
        let totalValue = value.reduce(0, +)
        var members: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { members[label, default: []].append(i) }
        return members.keys.sorted().map { cluster in
            let rows = members[cluster]!
            let means = columns.map { column in mean(rows.map { column[$0] }) }
            let medians = columns.map { column in median(rows.map { column[$0] }) }
            let clusterValue = rows.reduce(0) { $0 + value[$1] }
            return ClusterProfile(
                cluster: cluster, size: rows.count, customerShare: Double(rows.count) / Double(labels.count),
                totalValue: clusterValue, valueShare: totalValue == 0 ? 0 : clusterValue / totalValue, means: means, medians: medians,
                label: automaticLabel(cluster: cluster, medians: medians, means: means, overallMedians: overallMedians,
                                      overallMeans: overallMeans, roles: roles))
        }
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

    static func median(_ x: [Double]) -> Double { Quantiles.median(x) }
}
