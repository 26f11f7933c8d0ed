import Foundation

/// Criterion weights (priorities) from an AHP pairwise comparison matrix, with Saaty's consistency check.
///
/// The principal-eigenvector method solves A w = λmax w by power iteration from the uniform vector,
/// wₖ₊₁ = A wₖ / Σ(A wₖ), until no component changes by more than 1e-12; w sums to 1 and
/// λmax = Σᵢ (A w)ᵢ. Then CI = (λmax − n) / (n − 1), CR = CI / RI(n) with Saaty's random index, and CR = 0 for
/// n ≤ 2 (such matrices are always consistent). A matrix with CR ≥ `consistencyThreshold` (0.10 by default) is
/// flagged by ``isAcceptablyConsistent``; ``requireAcceptableConsistency()`` turns the flag into an error.
///
/// > Saaty, T. L. (1990). How to make a decision: The Analytic Hierarchy Process.
/// > *European Journal of Operational Research* 48(1), 9–26.
public struct AHPPriorities: Sendable, Hashable {
    /// How the weights are derived from the matrix.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Saaty's principal right eigenvector (power iteration).
        case principalEigenvector
        /// The row geometric-mean approximation wᵢ ∝ (Πⱼ aᵢⱼ)^(1/n); λmax is then estimated as the mean of
        /// (A w)ᵢ / wᵢ. Equal to the eigenvector for consistent matrices and for n ≤ 3 (Crawford & Williams 1985,
        /// *Journal of Mathematical Psychology* 29, 387–405).
        case geometricMean
    }

    /// Saaty's random consistency index RI for n = 1…15 (index n − 1): the mean CI of random reciprocal matrices
    /// with judgments drawn from the 1–9 scale. Values as tabulated in Saaty, T. L. (1980), *The Analytic Hierarchy
    /// Process*, McGraw-Hill, New York; n ≤ 10 also in Saaty (1990), EJOR 48, 9–26.
    public static let saatyRandomIndex: [Double] = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                                                    1.51, 1.48, 1.56, 1.57, 1.59]
    /// Saaty's rule of thumb: a consistency ratio below 0.10 is acceptable.
    public static let defaultConsistencyThreshold = 0.10
    /// Power iteration stops when no weight changes by more than this.
    public static let convergenceTolerance = 1e-12
    /// Power iteration gives up after this many steps.
    public static let maximumIterations = 10_000

    /// Criterion names, in matrix order.
    public let names: [String]
    /// The method the weights were derived with.
    public let method: Method
    /// Weights summing to 1, in matrix order.
    public let weights: [Double]
    /// The principal eigenvalue λmax (≥ n; n for a consistent matrix).
    public let lambdaMax: Double
    /// CI = (λmax − n) / (n − 1); 0 for n ≤ 2.
    public let consistencyIndex: Double
    /// RI(n) from ``saatyRandomIndex``.
    public let randomIndex: Double
    /// CR = CI / RI; 0 for n ≤ 2.
    public let consistencyRatio: Double
    /// The CR at or above which the matrix counts as inconsistent.
    public let consistencyThreshold: Double
    /// Power iterations used (0 for the geometric mean).
    public let iterations: Int
    private let matrix: PairwiseComparisonMatrix

    /// Whether CR < ``consistencyThreshold``.
    public var isAcceptablyConsistent: Bool { consistencyRatio < consistencyThreshold }

    /// - Throws: ``IndexScoringError/invalidOption(name:value:requirement:)`` for a threshold that is not finite and
    ///   > 0; ``IndexScoringError/noConvergence(iterations:change:)`` if power iteration does not settle.
    public init(_ matrix: PairwiseComparisonMatrix, method: Method = .principalEigenvector,
                consistencyThreshold: Double = AHPPriorities.defaultConsistencyThreshold) throws {
        guard consistencyThreshold.isFinite, consistencyThreshold > 0 else {
            throw IndexScoringError.invalidOption(name: "consistencyThreshold", value: consistencyThreshold,
                                                  requirement: "finite and > 0")
        }
        let a = matrix.entries
        let n = matrix.order
        var weights: [Double]
        var lambdaMax: Double
        var iterations = 0
        switch method {
        case .principalEigenvector:
            weights = Array(repeating: 1 / Double(n), count: n)
            var change = Double.infinity
            repeat {
                guard iterations < Self.maximumIterations else {
                    throw IndexScoringError.noConvergence(iterations: iterations, change: change)
                }
                let product = Self.multiply(a, weights)
                let total = product.reduce(0, +)
                let next = product.map { $0 / total }
                change = zip(next, weights).reduce(0) { max($0, abs($1.0 - $1.1)) }
                weights = next
                iterations += 1
            } while change > Self.convergenceTolerance
            lambdaMax = Self.multiply(a, weights).reduce(0, +)
        case .geometricMean:
            let means = a.map { row in exp(row.reduce(0) { $0 + log($1) } / Double(n)) }
            let total = means.reduce(0, +)
            weights = means.map { $0 / total }
            let product = Self.multiply(a, weights)
            lambdaMax = zip(product, weights).reduce(0) { $0 + $1.0 / $1.1 } / Double(n)
        }
        let randomIndex = Self.saatyRandomIndex[n - 1]
        let consistencyIndex = n <= 2 ? 0 : (lambdaMax - Double(n)) / Double(n - 1)
        self.names = matrix.names
        self.method = method
        self.weights = weights
        self.lambdaMax = lambdaMax
        self.consistencyIndex = consistencyIndex
        self.randomIndex = randomIndex
        self.consistencyRatio = n <= 2 ? 0 : consistencyIndex / randomIndex
        self.consistencyThreshold = consistencyThreshold
        self.iterations = iterations
        self.matrix = matrix
    }

    /// The weight of the criterion with this name.
    public func weight(of name: String) -> Double? { names.firstIndex(of: name).map { weights[$0] } }

    /// Throws unless CR < ``consistencyThreshold``.
    /// - Throws: ``IndexScoringError/inconsistentMatrix(consistencyRatio:threshold:row:column:rowIndex:columnIndex:judgment:priorityRatio:)``
    ///   naming the judgment aᵢⱼ furthest (in log ratio) from the derived wᵢ / wⱼ: the first one to revise.
    public func requireAcceptableConsistency() throws {
        guard !isAcceptablyConsistent else { return }
        var worst = (i: 0, j: 1, deviation: -1.0)
        for i in 0..<matrix.order {
            for j in (i + 1)..<matrix.order {
                let deviation = abs(log(matrix.entries[i][j] * weights[j] / weights[i]))
                if deviation > worst.deviation { worst = (i, j, deviation) }
            }
        }
        throw IndexScoringError.inconsistentMatrix(
            consistencyRatio: consistencyRatio, threshold: consistencyThreshold,
            row: names[worst.i], column: names[worst.j], rowIndex: worst.i, columnIndex: worst.j,
            judgment: matrix.entries[worst.i][worst.j], priorityRatio: weights[worst.i] / weights[worst.j])
    }

    static func multiply(_ a: [[Double]], _ x: [Double]) -> [Double] {
        a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}
