#if canImport(Glibc)
import Glibc
#endif
import CLVIntrinsics

/// An insert-only hash table from byte strings (customer ids, order ids, channel names) to dense
/// indexes 0, 1, 2, … in order of first appearance. Keys live in one contiguous arena, so a table of a
/// million ids costs about 30 bytes per key plus the key bytes, and no `String` is built while reading.
///
/// The table is looked up once or more per row. Its stored properties are exempt from the runtime's dynamic
/// exclusivity checks (`@exclusivity(unchecked)`; they cost a quarter of `clv summary`'s instructions): no method
/// calls out while it changes them, and a table is used by one thread at a time. Bounds and overflow stay checked.
final class ByteKeyTable {
    @exclusivity(unchecked) private(set) var count = 0
    /// 0 = empty, else (hash tag << 32) | (index + 1); see ``allocateSlots(_:)``.
    @exclusivity(unchecked) private var slots: UnsafeMutableBufferPointer<UInt64>
    @exclusivity(unchecked) private var mask: Int
    @exclusivity(unchecked) private var offsets: [UInt32] = []   // into the arena (keys beyond 4 GiB of id bytes are refused)
    @exclusivity(unchecked) private var lengths: [UInt16] = []
    @exclusivity(unchecked) private var arena: [UInt8] = []

    init(capacity: Int = 1024) {
        var size = 16
        while !Self.fits(capacity, in: size) { size <<= 1 }
        slots = Self.allocateSlots(size)
        mask = size - 1
    }

    deinit { Self.deallocateSlots(slots) }

    /// Zeroed slots in their own mapping, on huge pages where the kernel offers them: a probe lands
    /// anywhere in a table of millions of slots, and with 4 KiB pages nearly every probe would also
    /// miss the TLB.
    private static func allocateSlots(_ count: Int) -> UnsafeMutableBufferPointer<UInt64> {
        let bytes = count * MemoryLayout<UInt64>.stride
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            preconditionFailure("cannot map \(bytes) bytes for a hash table")
        }
        if bytes >= 1 << 21 { _ = madvise(p, bytes, MADV_HUGEPAGE) }
        return UnsafeMutableBufferPointer(start: p.bindMemory(to: UInt64.self, capacity: count), count: count)
    }

    private static func deallocateSlots(_ slots: UnsafeMutableBufferPointer<UInt64>) {
        munmap(slots.baseAddress, slots.count * MemoryLayout<UInt64>.stride)
    }

    /// Approximate bytes held.
    var memoryFootprint: Int { slots.count * 8 + offsets.capacity * 4 + lengths.capacity * 2 + arena.capacity }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let p = key.baseAddress else { return h }
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// Whether key `index` equals `key`.
    @inline(__always)
    func equals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(lengths[index]) == key.count else { return false }
        if key.count == 0 { return true }
        return arena.withUnsafeBufferPointer { Self.sameBytes($0.baseAddress! + Int(offsets[index]), key.baseAddress!, key.count) }
    }

    /// Whether `count` bytes at `a` and `b` are equal; ids are short, so a word loop beats a call to `memcmp`.
    @inline(__always)
    static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Asks the CPU to fetch the first slot a key of hash `h` probes, ahead of an ``intern(_:hash:)``.
    @inline(__always)
    func prefetch(hash h: UInt64) {
        clv_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: h) & mask))
    }

    /// Index of `key`, adding it if it is new.
    @inline(__always)
    func intern(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, isNew: Bool) {
        intern(key, hash: Self.hash(key))
    }

    /// Index of `key`, whose ``hash(_:)`` is `h`, adding it if it is new.
    @inline(__always)
    func intern(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (index: Int, isNew: Bool) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let index = Int(entry & 0xFFFF_FFFF) - 1
                if equals(index, key) { return (index, false) }
            }
            slot = (slot + 1) & mask
        }
        precondition(key.count <= Int(UInt16.max) && arena.count + key.count <= Int(UInt32.max),
                     "ids longer than 65535 bytes, or more than 4 GiB of them, are not supported")
        let index = count
        slots[slot] = tag | UInt64(index + 1)
        offsets.append(UInt32(arena.count))
        lengths.append(UInt16(key.count))
        arena.append(contentsOf: key)
        count += 1
        if !Self.fits(count, in: slots.count) { grow() }
        return (index, true)
    }

    /// Index of `key`, whose ``hash(_:)`` is `h`, or nil.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let index = Int(entry & 0xFFFF_FFFF) - 1
                if equals(index, key) { return index }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Makes room for `additional` more keys (of `keyBytes` bytes in all) without rehashing or
    /// copying on the way.
    func reserve(_ additional: Int, keyBytes: Int = 0) {
        let needed = count + additional
        offsets.reserveCapacity(needed)
        lengths.reserveCapacity(needed)
        if keyBytes > 0 { arena.reserveCapacity(arena.count + keyBytes) }
        if !Self.fits(needed, in: slots.count) {
            var size = slots.count
            while !Self.fits(needed, in: size) { size <<= 1 }
            rehash(size: size)
        }
    }

    private func grow() { rehash(size: slots.count * 2) }

    /// Whether `keys` keys fit in `size` slots: at most 5/8 full. Linear probing with 32-bit tags stays
    /// within a cache line or two at that load, and a table sized for an estimate with some margin
    /// (a million customers, 10% more expected) takes 16 MiB instead of 32.
    @inline(__always)
    static func fits(_ keys: Int, in size: Int) -> Bool { keys * 8 <= size * 5 }

    private func rehash(size: Int) {
        Self.deallocateSlots(slots)
        slots = Self.allocateSlots(size)
        mask = size - 1
        for index in 0..<count {
            let h = withKey(index) { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
    }

    /// Calls `body` with the bytes of key `index`.
    func withKey<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        arena.withUnsafeBufferPointer { buf in
            body(UnsafeBufferPointer(rebasing: buf[Int(offsets[index])..<(Int(offsets[index]) + Int(lengths[index]))]))
        }
    }

    /// Calls `body` with a view of every key's bytes, for reading many keys in a row without touching the
    /// table's reference counts (several threads may read at once while nobody adds keys).
    func withKeyBytes<R>(_ body: (KeyBytes) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { a in
            try offsets.withUnsafeBufferPointer { o in
                try lengths.withUnsafeBufferPointer { l in try body(KeyBytes(arena: a, offsets: o, lengths: l)) }
            }
        }
    }

    /// The bytes of a table's keys, by index (valid inside ``withKeyBytes(_:)``).
    struct KeyBytes {
        let arena: UnsafeBufferPointer<UInt8>
        let offsets: UnsafeBufferPointer<UInt32>
        let lengths: UnsafeBufferPointer<UInt16>

        @inline(__always)
        subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            let start = Int(offsets[index])
            return UnsafeBufferPointer(rebasing: arena[start..<(start + Int(lengths[index]))])
        }
    }

    /// The key at `index` as a string.
    func string(at index: Int) -> String {
        arena.withUnsafeBufferPointer { buf in
            String(decoding: UnsafeBufferPointer(rebasing: buf[Int(offsets[index])..<(Int(offsets[index]) + Int(lengths[index]))]),
                   as: UTF8.self)
        }
    }
}
