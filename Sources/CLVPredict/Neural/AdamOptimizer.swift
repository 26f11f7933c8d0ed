#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam: per-parameter steps from bias-corrected running means of the gradient and its square.
///
/// θ ← θ − η_t m / (√v + ε) with m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g² and
/// η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ), the form scikit-learn's MLP uses.
///
/// > Kingma, D. P. & Ba, J. (2015). Adam: A method for stochastic optimization. *ICLR*.
struct AdamOptimizer {
    var learningRate: Double
    var beta1 = 0.9
    var beta2 = 0.999
    var epsilon = 1e-8
    private(set) var steps = 0
    private var firstMoment: [Double]
    private var secondMoment: [Double]

    init(parameterCount: Int, learningRate: Double) {
        self.learningRate = learningRate
        firstMoment = [Double](repeating: 0, count: parameterCount)
        secondMoment = [Double](repeating: 0, count: parameterCount)
    }

    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>) {
        steps += 1
        let t = Double(steps)
        let rate = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for k in 0..<m.count {
                    let g = gradient[k]
                    m[k] = b1 * m[k] + (1 - b1) * g
                    v[k] = b2 * v[k] + (1 - b2) * g * g
                    parameters[k] -= rate * m[k] / (v[k].squareRoot() + eps)
                }
            }
        }
    }
}
