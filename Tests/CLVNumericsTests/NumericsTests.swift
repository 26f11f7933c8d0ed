import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

@Suite("Special functions")
struct SpecialFunctionTests {
    @Test("digamma and trigamma against scipy.special (digamma, polygamma(1, ·)), scipy 1.17.1", arguments: [
        (1.0, -0.5772156649015329, 1.6449340668482266),
        (0.5, -1.9635100260214235, 4.93480220054468),
        (10.0, 2.251752589066721, 0.10516633568168576),
        (0.01, -100.56088545786868, 10001.621213528311),
        (123.4, 4.8113737751162775, 0.008136651610865263),
    ])
    func polygamma(_ x: Double, _ psi: Double, _ psi1: Double) {
        #expect(isClose(SpecialFunctions.digamma(x), psi, relative: 1e-13))
        #expect(isClose(SpecialFunctions.trigamma(x), psi1, relative: 1e-12))
    }

    @Test("₂F₁ at closed forms: ₂F₁(1,1;2;z) = −ln(1−z)/z, ₂F₁(a,b;b;z) = (1−z)^(−a)", arguments: [-5.0, -0.9, -0.3, 0.2, 0.6, 0.95])
    func hypergeometric(_ z: Double) {
        #expect(isClose(SpecialFunctions.hypergeometric2F1(1.0, 1.0, 2.0, z), -Foundation.log1p(-z) / z, relative: 1e-12))
        #expect(isClose(SpecialFunctions.hypergeometric2F1(0.7, 2.3, 2.3, z), Foundation.pow(1 - z, -0.7), relative: 1e-12))
        #expect(isClose(SpecialFunctions.logHypergeometric2F1(0.7, 2.3, 2.3, z), -0.7 * Foundation.log1p(-z), relative: 1e-12, absolute: 1e-14))
    }
}

@Suite("Dual numbers")
struct DualTests {
    /// f(a, b, c) mixing every operation, generic so that it runs on Double and Dual.
    static func f<T: ScalarField>(_ a: T, _ b: T, _ c: T) -> T {
        T.logGamma(a * b + 1) + T.log(c) * T.exp(a / b) - T.log1p(c * c) / (a + 2.5) + T.logSumExp(a, -b) + T.logBeta(a, c)
    }

    @Test("gradients agree with central differences")
    func gradients() {
        let point = [0.7, 1.9, 3.3]
        let d = Self.f(Dual.variable(point[0], index: 0), Dual.variable(point[1], index: 1), Dual.variable(point[2], index: 2))
        #expect(isClose(d.value, Self.f(point[0], point[1], point[2]), relative: 1e-15))
        for j in 0..<3 {
            let h = 1e-6
            var up = point, down = point
            up[j] += h; down[j] -= h
            let numeric = (Self.f(up[0], up[1], up[2]) - Self.f(down[0], down[1], down[2])) / (2 * h)
            #expect(isClose(d.gradient[j], numeric, relative: 1e-7), "∂f/∂x\(j): \(d.gradient[j]) vs \(numeric)")
        }
    }
}

@Suite("Minimizers")
struct MinimizerTests {
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let (a, b) = (x[0], x[1])
        return ((1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a), [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
    }

    @Test("BFGS finds the minimum of Rosenbrock's function")
    func bfgs() {
        let r = Minimizer.bfgs(start: [-1.2, 1], Self.rosenbrock)
        #expect(r.converged)
        #expect(abs(r.point[0] - 1) < 1e-6 && abs(r.point[1] - 1) < 1e-6)
    }

    @Test("Nelder–Mead finds it too, and treats non-finite values as +∞")
    func nelderMead() {
        let r = Minimizer.nelderMead(start: [-1.2, 1], tolerance: 1e-16) { x in x[0] > 3 ? .nan : Self.rosenbrock(x).value }
        #expect(abs(r.point[0] - 1) < 1e-3 && abs(r.point[1] - 1) < 1e-3)
    }

    @Test("the Hessian of a quadratic and its inverse")
    func hessian() throws {
        // f = ½ xᵀ A x with A = [[4, 1], [1, 3]]: gradient A x, Hessian A.
        let h = Minimizer.hessian(at: [0.3, -0.2]) { x in [4 * x[0] + x[1], x[0] + 3 * x[1]] }
        #expect(isClose(h[0][0], 4, relative: 1e-8) && isClose(h[0][1], 1, relative: 1e-8) && isClose(h[1][1], 3, relative: 1e-8))
        let inv = try #require(Minimizer.inverse(h))
        #expect(isClose(inv[0][0], 3.0 / 11, relative: 1e-8) && isClose(inv[0][1], -1.0 / 11, relative: 1e-8))
        #expect(Minimizer.inverse([[1, 2], [2, 4]]) == nil)
    }

    /// Values whose floating-point sum depends on the order of addition (magnitudes from 1e-8 to 1e8), so that any
    /// chunking that follows the core count instead of the fixed chunk size changes the bits.
    static let orderSensitive: [Double] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<100_003).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            return (u - 0.5) * pow(10, Double(Int(state >> 3) % 17 - 8))
        }
    }()

    @Test("parallel sums are the fixed-chunk sum, the same bits on any core count")
    func parallelSumIsDeterministic() {
        let values = Self.orderSensitive
        let chunk = 1000
        // The contract: chunks [k·c, (k+1)·c) summed left to right, chunk sums added in order.
        var expected = 0.0
        for lower in stride(from: 0, to: values.count, by: chunk) {
            expected += values[lower..<min(values.count, lower + chunk)].reduce(0, +)
        }
        let sum: @Sendable (Range<Int>) -> Double = { range in range.reduce(0.0) { $0 + Self.orderSensitive[$1] } }
        let concurrent = parallelSum(count: values.count, chunkSize: chunk, sum)
        let serial = parallelSum(count: values.count, chunkSize: chunk, concurrently: false, sum)
        #expect(concurrent.bitPattern == expected.bitPattern)
        #expect(serial.bitPattern == expected.bitPattern)
        // The test can tell chunkings apart: a plain left-to-right sum has other bits.
        #expect(values.reduce(0, +).bitPattern != expected.bitPattern)
    }

    @Test("parallel maps equal their sequential versions, in order")
    func parallelMapKeepsOrder() {
        let values = Self.orderSensitive
        #expect(parallelMap(values, minimumChunk: 100) { $0 * 2 + 1 } == values.map { $0 * 2 + 1 })
    }
}

@Suite("₂F₁ near z = 1")
struct HypergeometricNearOneTests {
    @Test("the connection formula matches scipy.special.hyp2f1 (scipy 1.17.1)", arguments: [
        (3.243, 5.426, 5.219, 0.99, 7138458.658823712), (3.243, 5.426, 5.219, 0.9999, 56609968209984.95),
        (0.5, 0.7, 2.2, 0.995, 1.3564476245330301), (2.5, 3.5, 4.1, 0.97, 1129.3130082462858),
    ])
    func nearOne(_ a: Double, _ b: Double, _ c: Double, _ z: Double, _ expected: Double) {
        #expect(isClose(SpecialFunctions.hypergeometric2F1(a, b, c, z), expected, relative: 1e-10))
    }

    @Test("integer c − a − b (the singular case of the connection formula), to 1e-8")
    func integerCase() {
        #expect(isClose(SpecialFunctions.hypergeometric2F1(1.2, 0.8, 3.0, 0.999999), 1.9489119998314188, relative: 1e-8))
    }
}
