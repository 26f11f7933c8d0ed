import CLVIngest
#if canImport(Glibc)
import Glibc
#endif
import CLVIntrinsics
import Foundation

/// SHA-256 (FIPS 180-4), computed incrementally: the digest of the run manifest (`clv-run.json`) that
/// ties the files of one `clv analyze` run together.
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Compresses blocks with the CPU's SHA instructions (when it has them) or in Swift; the digests are the same.
    private let hardware: Bool

    /// An empty message.
    public init() { hardware = Self.hardwareAvailable }

    /// An empty message, hashed in Swift even where the CPU has SHA instructions (for tests that compare).
    init(softwareOnly: Bool) { hardware = softwareOnly ? false : Self.hardwareAvailable }

    /// Adds bytes to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        length &+= UInt64(n)
        if !pending.isEmpty {
            let take = min(64 - pending.count, n)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take; n -= take
            if pending.count == 64 {
                pending.withUnsafeBytes { raw in
                    if hardware { Self.hardwareBlocks(&state, raw.baseAddress!, 1) } else { compress(raw.baseAddress!) }
                }
                pending.removeAll(keepingCapacity: true)
            }
        }
        if n >= 64, hardware {
            let blocks = n / 64
            Self.hardwareBlocks(&state, p, blocks)
            p += 64 * blocks; n -= 64 * blocks
        }
        while n >= 64 {
            compress(p)
            p += 64; n -= 64
        }
        if n > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    /// Adds bytes to the message.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest as 64 lowercase hex digits (the message is complete).
    public mutating func finalize() -> String {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        let saved = length
        tail.withUnsafeBytes { update($0) }
        length = saved
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        return words.map { w in
            let s = String(w, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }

    /// The hex digest of `bytes`.
    public static func hex<C: Collection>(of bytes: C) -> String where C.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// The hex digest and size of the file at `path`, read in 1 MB blocks.
    /// - Throws: ``IngestError/unreadable(path:reason:)``.
    public static func file(_ path: String) throws -> (sha256: String, bytes: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var h = SHA256()
        let block = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { block.deallocate() }
        var total = 0
        while true {
            let n = read(fd, block, 1 << 20)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            h.update(UnsafeRawBufferPointer(start: block, count: n))
            total += n
        }
        return (h.finalize(), total)
    }

    /// Whether the CPU has SHA instructions (the x86 SHA extensions) for the blocks.
    static let hardwareAvailable = clv_sha256_hardware_available() != 0

    private static func hardwareBlocks(_ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
                                       _ data: UnsafeRawPointer, _ blocks: Int) {
        withUnsafeMutableBytes(of: &state) { raw in
            clv_sha256_blocks(raw.baseAddress!.assumingMemoryBound(to: UInt32.self), data.assumingMemoryBound(to: UInt8.self), UInt(blocks))
        }
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { s in
            for t in 0..<16 {
                s[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
            }
            for t in 16..<64 {
                let s0 = Self.rotr(s[t - 15], 7) ^ Self.rotr(s[t - 15], 18) ^ (s[t - 15] >> 3)
                let s1 = Self.rotr(s[t - 2], 17) ^ Self.rotr(s[t - 2], 19) ^ (s[t - 2] >> 10)
                s[t] = s[t - 16] &+ s0 &+ s[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[t] &+ s[t]
                    let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}
