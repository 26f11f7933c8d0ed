/// Dense solves with a symmetric positive-definite matrix, for the Newton steps of the linear models.
enum SymmetricSolve {
    /// x with A x = b, A given row-major as d×d (only the upper triangle is read), by Cholesky
    /// factorisation; nil when A is not numerically positive definite.
    /// - Complexity: O(d³).
    static func solve(_ a: [Double], _ b: [Double]) -> [Double]? {
        let d = b.count
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = a[j * d + i]
                for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * d + i] = sum.squareRoot()
                } else {
                    l[i * d + j] = sum / l[j * d + j]
                }
            }
        }
        var y = b
        for i in 0..<d {
            var sum = y[i]
            for k in 0..<i { sum -= l[i * d + k] * y[k] }
            y[i] = sum / l[i * d + i]
        }
        for i in stride(from: d - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<d { sum -= l[k * d + i] * y[k] }
            y[i] = sum / l[i * d + i]
        }
        return y
    }

    /// `solve`, retried with a growing ridge on the diagonal when A is only semi-definite (a
    /// saturated intercept, a zero-weight class); nil if even that fails.
    static func solveRegularised(_ a: [Double], _ b: [Double]) -> [Double]? {
        if let x = solve(a, b) { return x }
        let d = b.count
        let largest = (0..<d).reduce(0.0) { max($0, abs(a[$1 * d + $1])) }
        var ridge = max(largest, 1) * 1e-12
        while ridge < max(largest, 1) {
            var shifted = a
            for i in 0..<d { shifted[i * d + i] += ridge }
            if let x = solve(shifted, b) { return x }
            ridge *= 100
        }
        return nil
    }
}
