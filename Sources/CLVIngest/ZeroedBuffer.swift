#if canImport(Glibc)
import Glibc
#endif

/// A fixed reservation of address space for `capacity` elements whose bytes all start as zero.
///
/// Pages are backed (and zeroed by the kernel) only when first written, so a buffer sized for every
/// customer the input could hold costs memory only for the elements actually touched, and it never
/// moves, so element updates need no copy-on-write checks. The element's all-zero bit pattern must be
/// a meaningful starting value. Huge pages are used where the kernel offers them.
struct ZeroedBuffer<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int

    /// Reserves room for `capacity` elements (at least one), on huge pages when `hugePages` and the kernel offers them.
    init(capacity: Int, hugePages: Bool = true) {
        self.capacity = max(capacity, 1)
        let bytes = self.capacity * MemoryLayout<Element>.stride
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              p != MAP_FAILED else {
            preconditionFailure("cannot reserve \(bytes) bytes of address space")
        }
        // A million 56-byte states fault in ~30 huge pages instead of ~14,000 small ones.
        if hugePages { _ = madvise(p, bytes, MADV_HUGEPAGE) }
        base = p.bindMemory(to: Element.self, capacity: self.capacity)
    }

    private init(base: UnsafeMutablePointer<Element>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// The elements from `lower` on, sharing this reservation (not to be deallocated).
    func suffix(from lower: Int) -> ZeroedBuffer {
        ZeroedBuffer(base: base + lower, capacity: max(capacity - lower, 0))
    }

    subscript(i: Int) -> Element {
        unsafeAddress { UnsafePointer(base + i) }
        nonmutating unsafeMutableAddress { base + i }
    }

    /// Returns the address space to the system; the buffer must not be used afterwards.
    func deallocate() {
        munmap(base, capacity * MemoryLayout<Element>.stride)
    }
}
