#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sigmoid that turns decision values f into probabilities, P(y = 1 | f) = 1 / (1 + e^{A·f + B})
/// (Platt scaling).
///
/// A and B minimise the weighted log loss against Platt's smoothed targets, t₊ = (N₊ + 1)/(N₊ + 2)
/// for positives and t₋ = 1/(N₋ + 2) for negatives (N are sums of weights), which keeps the fit
/// finite on separable data; Newton's method with a line search, started at A = 0,
/// B = log((N₋ + 1)/(N₊ + 1)), as in Lin, Lin & Weng. A < 0 when larger decision values mean label 1.
///
/// > Platt, J. (1999). Probabilistic outputs for support vector machines. In *Advances in Large
/// > Margin Classifiers*, MIT Press.
/// > Lin, H.-T., Lin, C.-J. & Weng, R. C. (2007). A note on Platt's probabilistic outputs for support
/// > vector machines. *Machine Learning* 68, 267–276.
public struct PlattScaling: Sendable, Hashable, Codable {
    /// Slope on the decision value.
    public let A: Double
    /// Offset.
    public let B: Double

    /// A sigmoid with known A and B (not checked).
    public init(A: Double, B: Double) {
        self.A = A
        self.B = B
    }

    /// P(y = 1) for a decision value.
    @inline(__always)
    public func probability(_ decisionValue: Double) -> Double {
        LogisticObjective.sigmoid(-(A * decisionValue + B))
    }

    /// Fits A and B to decision values and labels.
    /// - Parameters:
    ///   - weights: one weight ≥ 0 per row (all 1 when nil).
    /// - Throws: ``PredictionError/singleClass`` when a class has no weight,
    ///   ``PredictionError/shape(_:)`` when the counts differ.
    public static func fit(decisionValues f: [Double], labels: [UInt8], weights: [Double]? = nil) throws -> PlattScaling {
        guard f.count == labels.count, weights.map({ $0.count == labels.count }) ?? true else {
            throw PredictionError.shape("\(f.count) decision values, \(labels.count) labels, \(weights?.count ?? labels.count) weights")
        }
        let w = weights ?? [Double](repeating: 1, count: labels.count)
        var positives = 0.0, negatives = 0.0
        for i in labels.indices { if labels[i] == 1 { positives += w[i] } else { negatives += w[i] } }
        guard positives > 0, negatives > 0 else { throw PredictionError.singleClass }
        let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? high : low }

        // u = A f + B; loss per row = softplus(u) − (1 − t) u; d/du = t − p with p = σ(−u).
        func value(_ ab: [Double]) -> Double {
            var loss = 0.0
            for i in f.indices {
                let u = ab[0] * f[i] + ab[1]
                loss += w[i] * (LogisticObjective.softplus(u) - (1 - targets[i]) * u)
            }
            return loss
        }
        func secondOrder(_ ab: [Double]) -> DampedNewton.SecondOrder {
            var loss = 0.0, ga = 0.0, gb = 0.0, haa = 1e-12, hab = 0.0, hbb = 1e-12
            for i in f.indices {
                let u = ab[0] * f[i] + ab[1]
                loss += w[i] * (LogisticObjective.softplus(u) - (1 - targets[i]) * u)
                let p = LogisticObjective.sigmoid(-u)
                let r = w[i] * (targets[i] - p), c = w[i] * p * (1 - p)
                ga += r * f[i]; gb += r
                haa += c * f[i] * f[i]; hab += c * f[i]; hbb += c
            }
            return (loss, [ga, gb], [haa, hab, hab, hbb])
        }
        let solver = DampedNewton(tolerance: 1e-12, maxIterations: 100, gradientScale: 1 / (positives + negatives))
        let outcome = solver.minimize(from: [0, log((negatives + 1) / (positives + 1))],
                                      secondOrder: secondOrder, value: value)
        return PlattScaling(A: outcome.point[0], B: outcome.point[1])
    }
}
