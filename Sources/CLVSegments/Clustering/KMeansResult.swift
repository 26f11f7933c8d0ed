/// The outcome of a k-means run.
public struct KMeansResult: Sendable, Hashable {
    /// The cluster centres, one row per cluster, in the units of the clustered data.
    public let centres: FeatureMatrix
    /// The cluster of each row, in `0..<centres.rowCount`.
    public let labels: [Int]
    /// Sum of squared Euclidean distances from each row to its centre.
    public let inertia: Double
    /// Lloyd iterations run (scikit-learn's `n_iter_`).
    public let iterations: Int
    /// Whether the labels stopped changing (or the centre shift fell within the tolerance) before the
    /// iteration limit.
    public let converged: Bool
    /// The objective after each assignment step: Σ‖x − c‖² to the centres of that step. Lloyd's
    /// algorithm never lets it increase.
    public let inertiaHistory: [Double]
    /// The inertia of each restart, when ``KMeans/fit(_:)`` ran several (computed on the sample when
    /// the data were sampled); empty for a single run from given centres.
    public let restartInertias: [Double]

    /// A result from its parts; nothing is checked.
    public init(centres: FeatureMatrix, labels: [Int], inertia: Double, iterations: Int, converged: Bool,
                inertiaHistory: [Double], restartInertias: [Double] = []) {
        self.centres = centres
        self.labels = labels
        self.inertia = inertia
        self.iterations = iterations
        self.converged = converged
        self.inertiaHistory = inertiaHistory
        self.restartInertias = restartInertias
    }

    /// Number of rows in each cluster.
    public var clusterSizes: [Int] {
        var sizes = [Int](repeating: 0, count: centres.rowCount)
        for label in labels { sizes[label] += 1 }
        return sizes
    }
}
