/// Newton's method with Armijo backtracking for the smooth convex objectives of the linear models
/// (few parameters, many rows): the caller supplies one pass over the rows that returns the value,
/// the gradient and the (generalized) Hessian, and a cheaper value-only pass for the line search.
///
/// > Nocedal, J. & Wright, S. J. (2006). *Numerical Optimization*, 2nd ed., algorithms 3.1 and 3.2.
struct DampedNewton {
    /// Value, gradient and row-major Hessian of the objective at a point.
    typealias SecondOrder = (value: Double, gradient: [Double], hessian: [Double])

    /// Stop when `gradientScale` × the largest gradient component is at most this.
    var tolerance: Double
    var maxIterations: Int
    /// Multiplies the raw gradient norm into the scale `tolerance` is stated in.
    var gradientScale: Double

    struct Outcome {
        var point: [Double]
        var diagnostics: LinearFitDiagnostics
        var converged: Bool
    }

    func minimize(from start: [Double], secondOrder: ([Double]) -> SecondOrder,
                  value: ([Double]) -> Double) -> Outcome {
        var x = start
        var current = secondOrder(x)
        var iterations = 0
        var stalled = false
        func norm(_ g: [Double]) -> Double { g.reduce(0) { max($0, abs($1)) } * gradientScale }
        // A line search that stalls below this has met the rounding floor of the gradient's sum: success.
        let floor = max(tolerance, 1e-6)
        while norm(current.gradient) > tolerance, iterations < maxIterations {
            let noise = 1e-14 * max(1, abs(current.value))
            guard let step = SymmetricSolve.solveRegularised(current.hessian, current.gradient) else { stalled = true; break }
            let slope = -zip(step, current.gradient).reduce(0) { $0 + $1.0 * $1.1 }
            guard slope < 0 else { stalled = true; break }
            var size = 1.0
            var accepted: [Double]? = nil
            while size > 1e-12 {
                let trial = zip(x, step).map { $0 - size * $1 }
                let v = value(trial)
                if v.isFinite, v <= current.value + 1e-4 * size * slope + noise {
                    accepted = trial
                    break
                }
                size *= 0.5
            }
            guard let next = accepted else { stalled = true; break }
            iterations += 1
            let previous = current
            x = next
            current = secondOrder(x)
            // Newton halves the gradient at least once it is close; a step that moves the value by
            // rounding noise only and does not, has met the rounding floor of the sums.
            if previous.value - current.value <= noise, norm(current.gradient) > 0.5 * norm(previous.gradient) {
                stalled = true
                break
            }
        }
        let finalNorm = norm(current.gradient)
        return Outcome(point: x,
                       diagnostics: LinearFitDiagnostics(iterations: iterations, gradientNorm: finalNorm,
                                                         objective: current.value),
                       converged: finalNorm <= tolerance || (stalled && finalNorm <= floor))
    }
}
