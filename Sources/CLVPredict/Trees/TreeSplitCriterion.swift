/// How a tree scores a candidate split from the weight and the weighted target sum on each side.
///
/// The proxy only has to rank the splits of one node as the impurity decrease does; it comes as a
/// fraction over one common denominator so that a scan can skip the division for the many candidates
/// that are clearly worse than the best so far. `impurity` is the node impurity itself (stored in the
/// nodes and used for `minImpurityDecrease`).
protocol TreeSplitCriterion: Sendable {
    /// The proxy as numerator / denominator, the denominator > 0.
    static func proxyParts(leftWeight: Double, leftSum: Double, rightWeight: Double, rightSum: Double)
        -> (numerator: Double, denominator: Double)
    static func impurity(weight: Double, sum: Double, sumOfSquares: Double) -> Double
}

/// Gini impurity for 0/1 targets: 1 − c₀² / W² − c₁² / W² with c₁ = Σ w·y, c₀ = W − c₁.
///
/// The proxy Σ_children (c₀² + c₁²) / W_child equals −W_L·gini_L − W_R·gini_R (scikit-learn's proxy)
/// plus the node weight, a constant within the node.
enum GiniCriterion: TreeSplitCriterion {
    @inline(__always)
    static func proxyParts(leftWeight: Double, leftSum: Double, rightWeight: Double, rightSum: Double)
        -> (numerator: Double, denominator: Double) {
        let leftZeros = leftWeight - leftSum, rightZeros = rightWeight - rightSum
        let left = leftSum * leftSum + leftZeros * leftZeros, right = rightSum * rightSum + rightZeros * rightZeros
        return (left * rightWeight + right * leftWeight, leftWeight * rightWeight)
    }

    @inline(__always)
    static func impurity(weight: Double, sum: Double, sumOfSquares: Double) -> Double {
        let zeros = weight - sum
        return 1 - (zeros * zeros + sum * sum) / (weight * weight)
    }
}

/// Squared error (weighted variance): Σ w·t² / W − (Σ w·t / W)².
///
/// The proxy S_L² / W_L + S_R² / W_R is scikit-learn's `squared_error` proxy. It equals S² / W +
/// W_L·W_R / W · (mean_L − mean_R)², so it ranks splits exactly as Friedman's improvement
/// W_L·W_R / W · (mean_L − mean_R)² (`friedman_mse`) does.
enum SquaredErrorCriterion: TreeSplitCriterion {
    @inline(__always)
    static func proxyParts(leftWeight: Double, leftSum: Double, rightWeight: Double, rightSum: Double)
        -> (numerator: Double, denominator: Double) {
        (leftSum * leftSum * rightWeight + rightSum * rightSum * leftWeight, leftWeight * rightWeight)
    }

    @inline(__always)
    static func impurity(weight: Double, sum: Double, sumOfSquares: Double) -> Double {
        let mean = sum / weight
        return sumOfSquares / weight - mean * mean
    }
}
