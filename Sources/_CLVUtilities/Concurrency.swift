import Dispatch
import Foundation

// The one home of the package's unchecked-Sendable wrappers and of deterministic chunking. Everything here is
// public only because the modules inline it; the leading underscore says it is not CLVKit API.

/// A value handed to concurrent work whose callers guarantee data-race freedom (each iteration touches
/// its own part, or only reads).
@frozen
public struct UncheckedSendable<Value>: @unchecked Sendable {
    /// The wrapped value.
    public let value: Value
    /// Wraps `value`.
    @inlinable public init(_ value: Value) { self.value = value }
}

/// A buffer that concurrent iterations write at disjoint indices.
@frozen
public struct DisjointWrites<Element>: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Element>
    /// Writes into `buffer` (which must not be empty).
    @inlinable public init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress! }
    /// Writes from `pointer` on.
    @inlinable public init(_ pointer: UnsafeMutablePointer<Element>) { base = pointer }
    /// Stores `value` at index `i` (unchecked: the caller keeps `i` in bounds and disjoint from other threads').
    @inlinable public func write(_ value: Element, at i: Int) { base[i] = value }
    /// The address of element `i`.
    @inlinable public func pointer(at i: Int) -> UnsafeMutablePointer<Element> { base + i }
}

/// A value behind a lock, for the few things concurrent iterations share (a first error, a minimum).
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    /// Guards `value`.
    public init(_ value: Value) { self.value = value }
    /// Runs `body` on the value while holding the lock.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Results of concurrent iterations, one slot per iteration, written and read by index from several threads.
public final class ConcurrentResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    /// `count` empty slots.
    public init(count: Int) { slots = Array(repeating: nil, count: count) }
    /// Stores `value` in slot `i`.
    public func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    /// The value of slot `i`, which must be set.
    public func get(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; return slots[i]! }
    /// Removes and returns slot `i` (so that the caller holds the only reference to its storage).
    public func take(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; let v = slots[i]!; slots[i] = nil; return v }
    /// Every slot, in order (all must be set).
    public func values() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

/// Runs `body(chunk, range)` over `0..<count` cut into `chunkCount(for:)` contiguous chunks, on all cores.
///
/// The cut depends only on `count`, never on the number of threads, so callers that keep one
/// accumulator per chunk and combine them in chunk order get the same result on any machine.
@inlinable
public func forEachChunk(count: Int, minimumChunk: Int = 8192, _ body: (Int, Range<Int>) -> Void) {
    let chunks = chunkCount(for: count, minimumChunk: minimumChunk)
    if chunks == 1 {
        body(0, 0..<count)
        return
    }
    concurrently(chunks) { k in body(k, chunkRange(k, of: chunks, count: count)) }
}

/// `body(0) … body(count − 1)` on all cores. Callers guarantee that concurrent calls touch disjoint
/// memory only (each writes its own slots), which is what makes the unchecked hand-over sound.
@inlinable
public func concurrently(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { escapable in
        let work = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
    }
}

/// The number of chunks ``forEachChunk(count:minimumChunk:_:)`` uses: at most 64, each at least `minimumChunk` long.
@inlinable
public func chunkCount(for count: Int, minimumChunk: Int = 8192) -> Int {
    max(1, min(64, count / max(minimumChunk, 1)))
}

/// The rows of chunk `k` out of `chunks`.
@inlinable
public func chunkRange(_ k: Int, of chunks: Int, count: Int) -> Range<Int> {
    (count * k / chunks)..<(count * (k + 1) / chunks)
}

/// Two values handed to concurrent work together (see ``UncheckedSendable``).
@frozen
public struct UncheckedPair<A, B>: @unchecked Sendable {
    /// The first value.
    public let a: A
    /// The second value.
    public let b: B
    /// Pairs `a` and `b`.
    @inlinable public init(_ a: A, _ b: B) { self.a = a; self.b = b }
}

/// A mutable buffer shared with concurrent iterations that write disjoint parts of it.
@frozen
public struct SharedBuffer<T>: @unchecked Sendable {
    /// The shared buffer.
    public let buffer: UnsafeMutableBufferPointer<T>
    /// Shares `buffer`.
    @inlinable public init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// A read-only buffer shared with concurrent iterations.
@frozen
public struct ReadOnlyBuffer<T>: @unchecked Sendable {
    /// The shared buffer.
    public let buffer: UnsafeBufferPointer<T>
    /// Shares `buffer`.
    @inlinable public init(_ buffer: UnsafeBufferPointer<T>) { self.buffer = buffer }
}
