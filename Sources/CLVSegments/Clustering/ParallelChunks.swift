import Dispatch

/// Runs `body(chunk, range)` over `0..<count` cut into `chunkCount(for:)` contiguous chunks, on all cores.
///
/// The cut depends only on `count`, never on the number of threads, so callers that keep one
/// accumulator per chunk and combine them in chunk order get the same result on any machine.
func forEachChunk(count: Int, minimumChunk: Int = 8192, _ body: (Int, Range<Int>) -> Void) {
    let chunks = chunkCount(for: count, minimumChunk: minimumChunk)
    if chunks == 1 {
        body(0, 0..<count)
        return
    }
    concurrently(chunks) { k in body(k, chunkRange(k, of: chunks, count: count)) }
}

/// `body(0) … body(count − 1)` on all cores. Callers guarantee that concurrent calls touch disjoint
/// memory only (each writes its own slots), which is what makes the unchecked hand-over sound.
func concurrently(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { escapable in
        let work = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
    }
}

/// A value handed to concurrent work whose callers guarantee data-race freedom.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The number of chunks ``forEachChunk(count:minimumChunk:_:)`` uses: at most 64, each at least `minimumChunk` long.
func chunkCount(for count: Int, minimumChunk: Int = 8192) -> Int {
    max(1, min(64, count / max(minimumChunk, 1)))
}

/// The rows of chunk `k` out of `chunks`.
func chunkRange(_ k: Int, of chunks: Int, count: Int) -> Range<Int> {
    (count * k / chunks)..<(count * (k + 1) / chunks)
}

/// A buffer that parallel chunks write to at disjoint indices.
struct DisjointWrites<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress! }
    @inline(__always) func write(_ value: Element, at i: Int) { base[i] = value }
    @inline(__always) func pointer(at i: Int) -> UnsafeMutablePointer<Element> { base + i }
}
