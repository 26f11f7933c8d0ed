import Foundation

/// Random variates for simulation. Every function takes the generator explicitly (`inout`) so that
/// results are reproducible from a seed.
public enum Sampling {
    /// A standard normal variate (Marsaglia's polar method).
    @inlinable
    public static func standardNormal(using rng: inout Xoshiro256) -> Double {
        while true {
            let u = 2 * rng.nextOpenUnit() - 1
            let v = 2 * rng.nextOpenUnit() - 1
            let s = u * u + v * v
            if s > 0, s < 1 { return u * (-2 * Foundation.log(s) / s).squareRoot() }
        }
    }

    /// A Gamma(shape, rate) variate, mean shape/rate (Marsaglia & Tsang 2000; shape < 1 by the
    /// boosting identity Γ(a) = Γ(a+1)·U^(1/a)).
    ///
    /// - Precondition: `shape > 0` and `rate > 0`.
    @inlinable
    public static func gamma(shape: Double, rate: Double, using rng: inout Xoshiro256) -> Double {
        precondition(shape > 0 && rate > 0, "gamma(shape:rate:) needs positive parameters")
        if shape < 1 {
            let g = gamma(shape: shape + 1, rate: 1, using: &rng)
            return g * Foundation.pow(rng.nextOpenUnit(), 1 / shape) / rate
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = standardNormal(using: &rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextOpenUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v / rate }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v / rate }
        }
    }

    /// A Beta(a, b) variate from two gamma variates.
    @inlinable
    public static func beta(_ a: Double, _ b: Double, using rng: inout Xoshiro256) -> Double {
        let x = gamma(shape: a, rate: 1, using: &rng)
        let y = gamma(shape: b, rate: 1, using: &rng)
        return x / (x + y)
    }

    /// An exponential variate with the given rate (mean 1/rate).
    @inlinable
    public static func exponential(rate: Double, using rng: inout Xoshiro256) -> Double {
        -Foundation.log(rng.nextOpenUnit()) / rate
    }
}
