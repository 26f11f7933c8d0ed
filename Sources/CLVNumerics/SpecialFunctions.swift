import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Special functions used by the customer-base models.
public enum SpecialFunctions {
    /// The digamma function ψ(x) = d/dx log Γ(x) (scipy: `digamma`), for x > 0: recurrence up to
    /// x ≥ 6, then the asymptotic series; about 1e-15 relative.
    public static func digamma(_ x: Double) -> Double {
        guard x.isFinite else { return x == .infinity ? .infinity : .nan }
        if x <= 0 {
            // Reflection for negative non-integers.
            if x == x.rounded(.down) { return .nan }
            return digamma(1 - x) - Double.pi / tan(Double.pi * x)
        }
        var v = x, result = 0.0
        while v < 6 { result -= 1 / v; v += 1 }
        let f = 1 / (v * v)
        let series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760 - f / 12))))))
        return result + log(v) - 0.5 / v + series
    }

    /// The trigamma function ψ′(x) (scipy: `polygamma(1, x)`), for x > 0.
    public static func trigamma(_ x: Double) -> Double {
        var v = x, result = 0.0
        while v < 6 { result += 1 / (v * v); v += 1 }
        let f = 1 / (v * v)
        let series = 1 / v + f / 2 + (1 / (v * v * v)) * (1.0 / 6 + f * (-1.0 / 30 + f * (1.0 / 42 + f * (-1.0 / 30 + f * 5.0 / 66))))
        return result + series
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real arguments with z < 1 (scipy: `hyp2f1`),
    /// generic over ``ScalarField`` so that it differentiates with respect to a, b and c.
    ///
    /// |z| ≤ 0.5: the power series. z < −0.5... 1: Pfaff's transformation ₂F₁(a,b;c;z) = (1−z)^(−a)
    /// ₂F₁(a, c−b; c; z/(z−1)) maps z ∈ [−∞, 0.5) into [−1, 1/3], and for z ∈ (0.5, 1) the series is
    /// summed directly with enough terms (it converges geometrically, ratio z). Returns NaN when the
    /// series does not converge in 20,000 terms (z within ~0.002 of 1); for plain doubles the overload
    /// below uses a connection formula there.
    public static func hypergeometric2F1<T: ScalarField>(_ a: T, _ b: T, _ c: T, _ z: T) -> T {
        gauss2F1(a, b, c, z)
    }

    static func gauss2F1<T: ScalarField>(_ a: T, _ b: T, _ c: T, _ z: T) -> T {
        if z.value < -0.5 {
            // Pfaff: (1 − z)^(−a) ₂F₁(a, c − b; c; z / (z − 1)).
            let w = z / (z - 1)
            return T.exp(-a * T.log1p(-z)) * series2F1(a, c - b, c, w)
        }
        return series2F1(a, b, c, z)
    }

    /// ₂F₁(a, b; c; z) for plain doubles, also near z → 1: for z > 0.9 the connection formula of
    /// Abramowitz & Stegun (1964), 15.3.6, maps z to 1 − z. Where c − a − b is an integer the formula is
    /// singular; there the mean of its values at c ± 10⁻⁵ is used (₂F₁ is analytic in c: error O(10⁻¹⁰)).
    public static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z > 0.9, z < 1 else { return gauss2F1(a, b, c, z) }
        let d = c - a - b
        if abs(d - d.rounded()) < 1e-6 {
            let e = 1e-5
            return (connection2F1(a, b, c + e, z) + connection2F1(a, b, c - e, z)) / 2
        }
        return connection2F1(a, b, c, z)
    }

    /// A&S 15.3.6 for non-integer c − a − b.
    static func connection2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let d = c - a - b
        func logGammaSigned(_ x: Double) -> (Double, Double) {
            var sign: Int32 = 0
            let v = lgamma_r(x, &sign)
            return (v, Double(sign))
        }
        let (gc, sc) = logGammaSigned(c), (gd, sd) = logGammaSigned(d), (gmd, smd) = logGammaSigned(-d)
        let (gca, sca) = logGammaSigned(c - a), (gcb, scb) = logGammaSigned(c - b)
        let (ga, sa) = logGammaSigned(a), (gb, sb) = logGammaSigned(b)
        let w = 1 - z
        let first = sc * sd * sca * scb * Foundation.exp(gc + gd - gca - gcb) * (series2F1(a, b, a + b - c + 1, w) as Double)
        let second = sc * smd * sa * sb * Foundation.exp(d * Foundation.log(w) + gc + gmd - ga - gb)
            * (series2F1(c - a, c - b, d + 1, w) as Double)
        return first + second
    }

    /// log ₂F₁ for positive-valued cases (the Pareto/NBD likelihood), to keep large values finite.
    /// Inlinable, so that callers in other modules get a copy specialised for their scalar (the Pareto/NBD
    /// fit's dual numbers) instead of the generic one that goes through witness tables.
    @inlinable
    public static func logHypergeometric2F1<T: ScalarField>(_ a: T, _ b: T, _ c: T, _ z: T) -> T {
        if z.value < -0.5 {
            let w = z / (z - 1)
            return -a * T.log1p(-z) + T.log(series2F1(a, c - b, c, w))
        }
        return T.log(series2F1(a, b, c, z))
    }

    /// Kummer's confluent hypergeometric function of the second kind for equal parameters, U(a, a; z)
    /// (scipy: `hyperu(a, a, z)`), for a > 0 and z > 0: U(a, a; z) = 1/Γ(a) ∫₀^∞ e^(−zt) t^(a−1) / (1+t) dt,
    /// computed with the substitution t = eᵘ and the trapezoidal rule, which converges exponentially for
    /// this smooth, doubly decaying integrand (relative error ~1e-12).
    public static func kummerU(equalParameters a: Double, _ z: Double) -> Double {
        precondition(a > 0 && z > 0, "kummerU needs a > 0 and z > 0")
        // Integrand in u: exp(−z eᵘ + a u) / (1 + eᵘ); its peak is near u* with z eᵘ ≈ a.
        let peak = Foundation.log(max(a, 1e-3) / z)
        let lower = min(peak, 0) - 40 / a - 5
        let upper = max(peak, 0) + Foundation.log(60 / min(z, 60) + 1) + 5
        func f(_ u: Double) -> Double { Foundation.exp(-z * Foundation.exp(u) + a * u - Foundation.log1p(Foundation.exp(u))) }
        let h = 0.01
        var sum = 0.5 * (f(lower) + f(upper))
        var u = lower + h
        while u < upper { sum += f(u); u += h }
        return sum * h / Foundation.exp(Double.logGamma(a))
    }

    @inlinable
    static func series2F1<T: ScalarField>(_ a: T, _ b: T, _ c: T, _ z: T) -> T {
        var term = T(1)
        var sum = T(1)
        var n = 0.0
        while n < 20_000 {
            // The ratio of successive terms does not depend on the term, so only one product per step is on
            // the chain from term to term (the ratios of later steps are computed meanwhile).
            let ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            term = term * ratio
            sum = sum + term
            n += 1
            if abs(term.value) <= 1e-17 * abs(sum.value) { return sum }
        }
        return T(.nan)
    }
}
