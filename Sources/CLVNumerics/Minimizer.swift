#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a minimisation.
public struct MinimizationResult: Sendable {
    /// The best point found.
    public var point: [Double]
    /// The objective at `point`.
    public var value: Double
    /// Largest absolute gradient component at `point` (NaN for derivative-free methods).
    public var gradientNorm: Double
    /// Iterations started (for BFGS, one line search each, including a last one that may have failed).
    public var iterations: Int
    /// Calls of the objective.
    public var evaluations: Int
    /// BFGS: the largest gradient component at `point` is below max(100 × `gradientTolerance`, 1e-6), however
    /// the run stopped. Nelder–Mead: the simplex values agreed within the tolerance before the iteration limit.
    public var converged: Bool
    /// `BFGS` or `Nelder-Mead`.
    public var method: String
    /// BFGS's final inverse-Hessian approximation (to warm-start a related problem).
    public var inverseHessian: [[Double]]? = nil
}

/// Unconstrained minimisers for small problems (2–4 parameters).
public enum Minimizer {
    /// BFGS with an Armijo backtracking line search (Nocedal & Wright 2006, algorithm 6.1).
    ///
    /// - Parameters:
    ///   - f: the objective and its gradient; non-finite values make the line search step back.
    ///   - gradientTolerance: stop when every gradient component is below it.
    public static func bfgs(start: [Double], maxIterations: Int = 1000, gradientTolerance: Double = 1e-8,
                            initialInverseHessian: [[Double]]? = nil,
                            _ f: ([Double]) -> (value: Double, gradient: [Double])) -> MinimizationResult {
        let n = start.count
        var x = start
        var (fx, g) = f(x)
        var evaluations = 1
        var h = initialInverseHessian ?? identity(n)
        var iterations = 0
        var stalled = 0
        guard fx.isFinite, g.allSatisfy(\.isFinite) else {
            return MinimizationResult(point: x, value: fx, gradientNorm: .nan, iterations: 0, evaluations: 1,
                                      converged: false, method: "BFGS")
        }
        while iterations < maxIterations {
            if maxAbs(g) < gradientTolerance { break }
            iterations += 1
            var p = multiply(h, g).map { -$0 }
            var slope = dot(p, g)
            if slope >= 0 { // not a descent direction: reset to steepest descent
                h = identity(n)
                p = g.map { -$0 }
                slope = dot(p, g)
            }
            // A first step of at most 1 in any coordinate (a factor e on a log-parameter).
            let longest = maxAbs(p)
            var step = longest > 1 ? 1 / longest : 1.0
            var accepted = false
            var xNew = x, fNew = fx, gNew = g
            // Sufficient decrease (Armijo), allowing for rounding noise in a large sum near the optimum.
            let noise = 1e-14 * max(1, abs(fx))
            while step > 1e-10 {
                xNew = zip(x, p).map { $0 + step * $1 }
                (fNew, gNew) = f(xNew)
                evaluations += 1
                if fNew.isFinite, gNew.allSatisfy(\.isFinite), fNew <= fx + 1e-4 * step * slope + noise {
                    accepted = true
                    break
                }
                step *= fNew.isFinite ? 0.5 : 0.1
            }
            guard accepted else { break }
            let s = zip(xNew, x).map { $0 - $1 }
            let y = zip(gNew, g).map { $0 - $1 }
            let sy = dot(s, y)
            let improvement = fx - fNew
            x = xNew; fx = fNew; g = gNew
            if improvement <= 1e-15 * max(1, abs(fx)) {
                stalled += 1
                if stalled >= 4 { break }
            } else {
                stalled = 0
            }
            if sy > 1e-12 {
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / sy
                let hy = multiply(h, y)
                let yhy = dot(y, hy)
                for i in 0..<n {
                    for j in 0..<n {
                        h[i][j] += -rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            }
        }
        let norm = maxAbs(g)
        return MinimizationResult(point: x, value: fx, gradientNorm: norm, iterations: iterations,
                                  evaluations: evaluations, converged: norm < max(gradientTolerance * 100, 1e-6),
                                  method: "BFGS", inverseHessian: h)
    }

    /// The Nelder–Mead simplex method (Lagarias et al. 1998 coefficients); the fallback when
    /// gradients fail. Non-finite values count as +∞.
    public static func nelderMead(start: [Double], initialStep: Double = 0.5, maxIterations: Int = 5000,
                                  tolerance: Double = 1e-12, _ f: ([Double]) -> Double) -> MinimizationResult {
        let n = start.count
        func value(_ x: [Double]) -> Double { let v = f(x); return v.isFinite ? v : .infinity }
        var simplex = [start]
        for i in 0..<n {
            var x = start
            x[i] += initialStep
            simplex.append(x)
        }
        var values = simplex.map(value)
        var evaluations = n + 1
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * max(1, abs(values[0])) { break }
            let centroid = (0..<n).map { j in simplex[0..<n].reduce(0) { $0 + $1[j] } / Double(n) }
            func along(_ t: Double) -> [Double] { zip(centroid, simplex[n]).map { $0 + t * ($0 - $1) } }
            let reflected = along(1), fr = value(reflected)
            evaluations += 1
            if fr < values[0] {
                let expanded = along(2), fe = value(expanded)
                evaluations += 1
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(0.5) : along(-0.5)
                let fc = value(contracted)
                evaluations += 1
                if fc < min(fr, values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = zip(simplex[0], simplex[i]).map { $0 + 0.5 * ($1 - $0) }
                        values[i] = value(simplex[i])
                    }
                    evaluations += n
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return MinimizationResult(point: simplex[best], value: values[best], gradientNorm: .nan, iterations: iterations,
                                  evaluations: evaluations, converged: iterations < maxIterations, method: "Nelder-Mead")
    }

    /// The Hessian by finite differences of an exact gradient, symmetrised: central differences, or
    /// forward differences from a known gradient at `x` (half the evaluations, error O(step)).
    public static func hessian(at x: [Double], relativeStep: Double = 1e-5, gradientAtX: [Double]? = nil,
                               _ gradient: ([Double]) -> [Double]) -> [[Double]] {
        let n = x.count
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            let step = relativeStep * max(abs(x[j]), 1e-3)
            var up = x
            up[j] += step
            let gu = gradient(up)
            if let g0 = gradientAtX {
                for i in 0..<n { h[i][j] = (gu[i] - g0[i]) / step }
            } else {
                var down = x
                down[j] -= step
                let gd = gradient(down)
                for i in 0..<n { h[i][j] = (gu[i] - gd[i]) / (2 * step) }
            }
        }
        for i in 0..<n { for j in 0..<i { let m = (h[i][j] + h[j][i]) / 2; h[i][j] = m; h[j][i] = m } }
        return h
    }

    /// The inverse of a symmetric positive-definite matrix (Gauss–Jordan with partial pivoting), or
    /// nil when it is singular.
    public static func inverse(_ m: [[Double]]) -> [[Double]]? {
        let n = m.count
        var a = m
        var inv = identity(n)
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-300
            else { return nil }
            a.swapAt(col, pivot)
            inv.swapAt(col, pivot)
            let d = a[col][col]
            for j in 0..<n { a[col][j] /= d; inv[col][j] /= d }
            for r in 0..<n where r != col {
                let factor = a[r][col]
                if factor == 0 { continue }
                for j in 0..<n { a[r][j] -= factor * a[col][j]; inv[r][j] -= factor * inv[col][j] }
            }
        }
        return inv
    }

    static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }
    static func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { dot($0, v) } }
    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
}

extension Minimizer {
    /// The lower-triangular Cholesky factor L of a symmetric positive-definite matrix (A = L Lᵀ), or nil.
    public static func cholesky(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        return l
    }
}
