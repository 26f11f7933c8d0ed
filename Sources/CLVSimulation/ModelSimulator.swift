import CLVNumerics
import Foundation

/// Customer histories drawn from each model's generative story, for parameter-recovery tests and
/// examples. Every function is deterministic for a seed.
public enum ModelSimulator {
    /// A simulated customer: repeat purchases x, time of the last one tₓ, observation length T.
    public struct History: Sendable, Hashable {
        /// Repeat purchases in (0, T] (the first purchase, at time 0, is not counted).
        public var x: Int
        /// Time from the first purchase to the last repeat purchase (BTYD recency); 0 when x = 0.
        public var tx: Double
        /// T: time from the first purchase to the end of observation, in the same unit as the rates.
        public var age: Double
    }

    /// BG/NBD: λ ~ Gamma(r, α); after each repeat purchase the customer drops out with p ~ Beta(a, b).
    public static func bgnbd(r: Double, alpha: Double, a: Double, b: Double, ages: [Double], seed: UInt64) -> [History] {
        var rng = Xoshiro256(seed: seed)
        return ages.map { age in
            let lambda = Sampling.gamma(shape: r, rate: alpha, using: &rng)
            let p = Sampling.beta(a, b, using: &rng)
            var t = 0.0, x = 0, tx = 0.0
            while true {
                t += Sampling.exponential(rate: lambda, using: &rng)
                if t > age { break }
                x += 1; tx = t
                if rng.nextOpenUnit() < p { break }
            }
            return History(x: x, tx: tx, age: age)
        }
    }

    /// MBG/NBD: as BG/NBD, but the customer may also drop out right after the first purchase.
    public static func mbgnbd(r: Double, alpha: Double, a: Double, b: Double, ages: [Double], seed: UInt64) -> [History] {
        var rng = Xoshiro256(seed: seed)
        return ages.map { age in
            let lambda = Sampling.gamma(shape: r, rate: alpha, using: &rng)
            let p = Sampling.beta(a, b, using: &rng)
            var t = 0.0, x = 0, tx = 0.0
            while rng.nextOpenUnit() >= p {
                t += Sampling.exponential(rate: lambda, using: &rng)
                if t > age { break }
                x += 1; tx = t
            }
            return History(x: x, tx: tx, age: age)
        }
    }

    /// Pareto/NBD: λ ~ Gamma(r, α) while alive; lifetime ~ Exponential(μ), μ ~ Gamma(s, β).
    public static func paretoNBD(r: Double, alpha: Double, s: Double, beta: Double, ages: [Double], seed: UInt64) -> [History] {
        var rng = Xoshiro256(seed: seed)
        return ages.map { age in
            let lambda = Sampling.gamma(shape: r, rate: alpha, using: &rng)
            let mu = Sampling.gamma(shape: s, rate: beta, using: &rng)
            let end = min(age, Sampling.exponential(rate: mu, using: &rng))
            var t = 0.0, x = 0, tx = 0.0
            while true {
                t += Sampling.exponential(rate: lambda, using: &rng)
                if t > end { break }
                x += 1; tx = t
            }
            return History(x: x, tx: tx, age: age)
        }
    }

    /// BG/BB: at each of n opportunities a living customer transacts with p ~ Beta(α, β); before each
    /// opportunity they die with θ ~ Beta(γ, δ). Returns (x, tₓ, n) with tₓ the last transaction's opportunity.
    public static func bgbb(alpha: Double, beta: Double, gamma: Double, delta: Double, opportunities n: Int,
                            customers: Int, seed: UInt64) -> [(x: Int, tx: Int, n: Int)] {
        var rng = Xoshiro256(seed: seed)
        return (0..<customers).map { _ in
            let p = Sampling.beta(alpha, beta, using: &rng)
            let theta = Sampling.beta(gamma, delta, using: &rng)
            var x = 0, tx = 0
            for k in 1...n {
                if rng.nextOpenUnit() < theta { break }
                if rng.nextOpenUnit() < p { x += 1; tx = k }
            }
            return (x, tx, n)
        }
    }

    /// sBG: a cohort whose members churn at the end of each period with θ ~ Beta(α, β); returns the
    /// number still active at the start of periods 0…periods.
    public static func sbgCohort(alpha: Double, beta: Double, size: Int, periods: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        var active = [Double](repeating: 0, count: periods + 1)
        for _ in 0..<size {
            let theta = Sampling.beta(alpha, beta, using: &rng)
            var t = 0
            active[0] += 1
            while t < periods {
                if rng.nextOpenUnit() < theta { break }
                t += 1
                active[t] += 1
            }
        }
        return active
    }

    /// Gamma-Gamma: the mean value of x transactions z ~ Gamma(p, ν), ν ~ Gamma(q, γ) per customer.
    public static func meanSpend(p: Double, q: Double, gamma: Double, frequencies: [Int], seed: UInt64) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        return frequencies.map { x in
            guard x > 0 else { return 0 }
            let nu = Sampling.gamma(shape: q, rate: gamma, using: &rng)
            var total = 0.0
            for _ in 0..<x { total += Sampling.gamma(shape: p, rate: nu, using: &rng) }
            return total / Double(x)
        }
    }
}
