import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import _CLVUtilities

/// The arithmetic a likelihood needs, so that one implementation serves both plain evaluation
/// (`Double`) and exact gradients (``Dual``, forward-mode automatic differentiation).
public protocol ScalarField: Sendable {
    init(_ value: Double)
    /// The value, without derivatives.
    var value: Double { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    static func + (a: Self, b: Double) -> Self
    static func * (a: Self, b: Double) -> Self
    static func log(_ x: Self) -> Self
    static func exp(_ x: Self) -> Self
    /// log Γ(x) for x > 0.
    static func logGamma(_ x: Self) -> Self
    /// log(1 + x).
    static func log1p(_ x: Self) -> Self
}

extension ScalarField {
    @inlinable public static func - (a: Self, b: Double) -> Self { a + (-b) }
    @inlinable public static func + (a: Double, b: Self) -> Self { b + a }
    @inlinable public static func - (a: Double, b: Self) -> Self { -b + a }
    @inlinable public static func * (a: Double, b: Self) -> Self { b * a }
    @inlinable public static func / (a: Self, b: Double) -> Self { a * (1 / b) }
    @inlinable public static func / (a: Double, b: Self) -> Self { Self(a) / b }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).
    @inlinable
    public static func logBeta(_ a: Self, _ b: Self) -> Self { logGamma(a) + logGamma(b) - logGamma(a + b) }

    /// log(eˣ + eʸ) without overflow.
    @inlinable
    public static func logSumExp(_ x: Self, _ y: Self) -> Self {
        x.value >= y.value ? x + log1p(exp(y - x)) : y + log1p(exp(x - y))
    }

    /// log(eˣ − eʸ) for x > y, without overflow.
    @inlinable
    public static func logDiffExp(_ x: Self, _ y: Self) -> Self { x + log1p(-exp(y - x)) }
}

extension Double: ScalarField {
    /// The number itself.
    @inlinable public var value: Double { self }
    /// The natural logarithm (C `log`).
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    /// eˣ (C `exp`).
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    /// log(1 + x), accurate for small x (C `log1p`).
    @inlinable public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    /// log Γ(x) (thread-safe `lgamma_r`).
    @inlinable public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }
}

/// A number with its first derivatives with respect to up to four parameters (forward-mode
/// automatic differentiation): every operation applies the chain rule to the four lanes at once.
public struct Dual: ScalarField, CustomStringConvertible {
    /// The value.
    public var value: Double
    /// The partial derivatives with respect to parameters 0…3 (unused lanes stay 0).
    public var gradient: SIMD4<Double>

    /// A constant: `value` with a zero gradient.
    @inlinable public init(_ value: Double) { self.value = value; gradient = .zero }
    /// A number with the given value and partial derivatives.
    @inlinable public init(value: Double, gradient: SIMD4<Double>) { self.value = value; self.gradient = gradient }

    /// The `index`-th independent variable.
    @inlinable public static func variable(_ value: Double, index: Int) -> Dual {
        var g = SIMD4<Double>.zero
        g[index] = 1
        return Dual(value: value, gradient: g)
    }

    public var description: String { "\(value) ∇\(gradient)" }

    @inlinable public static func + (a: Dual, b: Dual) -> Dual { Dual(value: a.value + b.value, gradient: a.gradient + b.gradient) }
    @inlinable public static func - (a: Dual, b: Dual) -> Dual { Dual(value: a.value - b.value, gradient: a.gradient - b.gradient) }
    @inlinable public static func * (a: Dual, b: Dual) -> Dual {
        Dual(value: a.value * b.value, gradient: a.gradient * b.value + b.gradient * a.value)
    }
    @inlinable public static func / (a: Dual, b: Dual) -> Dual {
        let q = a.value / b.value
        return Dual(value: q, gradient: (a.gradient - b.gradient * q) / b.value)
    }
    @inlinable public static prefix func - (a: Dual) -> Dual { Dual(value: -a.value, gradient: -a.gradient) }
    @inlinable public static func + (a: Dual, b: Double) -> Dual { Dual(value: a.value + b, gradient: a.gradient) }
    @inlinable public static func * (a: Dual, b: Double) -> Dual { Dual(value: a.value * b, gradient: a.gradient * b) }
    /// log x, with gradient ∇x / x.
    @inlinable public static func log(_ x: Dual) -> Dual { Dual(value: Glibc.log(x.value), gradient: x.gradient / x.value) }
    /// eˣ, with gradient eˣ ∇x.
    @inlinable public static func exp(_ x: Dual) -> Dual {
        let e = Glibc.exp(x.value)
        return Dual(value: e, gradient: x.gradient * e)
    }
    /// log(1 + x), with gradient ∇x / (1 + x).
    @inlinable public static func log1p(_ x: Dual) -> Dual {
        Dual(value: Glibc.log1p(x.value), gradient: x.gradient / (1 + x.value))
    }
    /// log Γ(x) for x > 0, with gradient ψ(x) ∇x (ψ the digamma function).
    @inlinable public static func logGamma(_ x: Dual) -> Dual {
        Dual(value: Double.logGamma(x.value), gradient: x.gradient * SpecialFunctions.digamma(x.value))
    }
}

import Dispatch

/// Sums `body` over `0..<count`, on all cores when the work is large.
///
/// The range is cut into chunks of `chunkSize` indices (the last may be shorter) that depend on `count` alone, and
/// the chunk sums are added in chunk order. The result is therefore bit-for-bit the same on every machine, whatever
/// its core count and however the chunks are scheduled; only the wall time changes. `concurrently: false` runs the
/// same chunks on the calling thread (same bits).
public func parallelSum<T: ScalarField>(count: Int, chunkSize: Int = 16_384, concurrently: Bool = true,
                                        _ body: @Sendable (Range<Int>) -> T) -> T {
    precondition(chunkSize > 0, "chunkSize must be positive")
    let chunks = (count + chunkSize - 1) / chunkSize
    if chunks <= 1 { return body(0..<count) }
    let results = UnsafeMutableBufferPointer<T>.allocate(capacity: chunks)
    results.initialize(repeating: T(0))
    defer { results.deallocate() }
    let box = SharedBuffer(results)
    if concurrently && ProcessInfo.processInfo.activeProcessorCount > 1 {
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            box.buffer[k] = body((k * chunkSize)..<min(count, (k + 1) * chunkSize))
        }
    } else {
        for k in 0..<chunks { results[k] = body((k * chunkSize)..<min(count, (k + 1) * chunkSize)) }
    }
    var total = T(0)
    for k in 0..<chunks { total = total + results[k] }
    return total
}


/// `transform` applied to every element, on all cores for long inputs (order preserved).
public func parallelMap<E: Sendable, T: Sendable>(_ input: [E], minimumChunk: Int = 512, _ transform: @Sendable (E) -> T) -> [T] {
    let count = input.count
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = count >= 2 * minimumChunk ? min(cores * 2, count / minimumChunk) : 1
    if chunks <= 1 { return input.map(transform) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let box = SharedBuffer(buffer)
        input.withUnsafeBufferPointer { source in
            let src = SharedBuffer(UnsafeMutableBufferPointer(mutating: source))
            DispatchQueue.concurrentPerform(iterations: chunks) { k in
                let lower = count * k / chunks, upper = count * (k + 1) / chunks
                for i in lower..<upper { (box.buffer.baseAddress! + i).initialize(to: transform(src.buffer[i])) }
            }
        }
        initialized = count
    }
}
