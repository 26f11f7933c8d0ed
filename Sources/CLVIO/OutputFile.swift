import CLVIngest
import CLVIntrinsics
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes a file atomically: everything goes to a temporary file in the same directory, which is
/// then renamed over the destination, so a reader never sees a half-written file and a
/// failure leaves any earlier file untouched. `-` (or nil) writes to standard output instead.
///
/// The temporary file is named `.NAME.tmp-PID-XXXXXX`. It is registered so that SIGINT, SIGTERM and
/// SIGHUP remove it before the process ends (see ``TemporaryFiles``), and temporary files of `NAME`
/// left by a process that no longer runs (killed with SIGKILL, a crash) are removed when the next
/// ``OutputFile`` for the same destination is opened.
///
/// On standard output, a reader that goes away (`clv summary … | head`, EPIPE) is not an error: the
/// rest of the output is discarded and ``readerClosed`` becomes true.
public final class OutputFile {
    /// The destination, or nil when writing to standard output (`-` or nil was given).
    public let path: String?
    private var fd: Int32
    private var temporaryPath: String?
    private var slot: Int?
    private var buffer: [UInt8] = []
    private var finished = false
    private var sealed = false
    private var digest: SHA256?
    /// Bytes written so far.
    public private(set) var byteCount = 0
    /// The SHA-256 of the contents (hex), once ``seal()`` or ``commit()`` has run on a file opened with `digest: true`.
    public private(set) var sha256: String?
    /// True once the reader of standard output has gone away (EPIPE); later writes are dropped.
    public private(set) var readerClosed = false

    /// The UTF-8 byte order mark, which makes Excel read a CSV file as UTF-8.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Opens the destination; nothing is visible at `path` until ``commit()``.
    /// - Parameter digest: compute the SHA-256 of the contents as they are written (``sha256``).
    /// - Throws: ``OutputError/writeFailed(path:reason:)`` when the directory is not writable.
    public init(path: String?, digest: Bool = false) throws {
        self.digest = digest ? SHA256() : nil
        // Devices, pipes and other special files (/dev/null, a FIFO) are written in place: renaming a
        // temporary file over them would replace the special file itself.
        if let path, path != "-" {
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
                guard (st.st_mode & S_IFMT) != S_IFDIR else { throw OutputError.writeFailed(path: path, reason: "it is a directory") }
                let fd = Glibc.open(path, O_WRONLY | O_TRUNC)
                guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: Self.reason(errno, path: path)) }
                self.path = path
                self.fd = fd
                temporaryPath = nil
                buffer.reserveCapacity(1 << 20)
                return
            }
        }
        if let path, path != "-" {
            self.path = path
            let url = URL(fileURLWithPath: path)
            let directory = url.deletingLastPathComponent().path
            TemporaryFiles.removeStale(of: url.lastPathComponent, in: directory)
            let (fd, temporary, slot) = TemporaryFiles.create("\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-XXXXXX")
            guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: Self.reason(errno, path: path)) }
            fchmod(fd, 0o644)
            self.fd = fd
            self.slot = slot
            temporaryPath = temporary
        } else {
            self.path = nil
            fd = STDOUT_FILENO
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if !finished { abandon() }
    }

    /// A plain-words reason for a failed create or write (`errno` value `code`) of `path`.
    static func reason(_ code: Int32, path: String) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied (the directory is not writable)"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "disk quota exceeded"
        case ENOENT: return "the directory \(URL(fileURLWithPath: path).deletingLastPathComponent().path) does not exist"
        case ENOTDIR: return "a part of the path is a file, not a directory"
        case EISDIR: return "it is a directory"
        default: return String(cString: strerror(code))
        }
    }

    /// Checks, before any work, that `path` can be written: its directory exists and accepts a new
    /// file (a probe file is created and removed). Standard output (`-`, nil) always can.
    /// - Throws: ``OutputError/writeFailed(path:reason:)`` naming the reason.
    public static func checkWritable(path: String?) throws {
        guard let path, path != "-" else { return }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw OutputError.writeFailed(path: path, reason: "it is a directory") }
            if (st.st_mode & S_IFMT) != S_IFREG {
                guard access(path, W_OK) == 0 else { throw OutputError.writeFailed(path: path, reason: reason(errno, path: path)) }
                return
            }
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try checkDirectoryWritable(directory, for: path)
    }

    /// Creates `directory` and its parents where missing and checks that it accepts new files.
    /// - Throws: ``OutputError/writeFailed(path:reason:)``: a part of the path is a file, permission, read-only file system.
    public static func prepareDirectory(_ directory: String) throws {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            if stat(prefix, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else {
                    throw OutputError.writeFailed(path: directory, reason: "\(prefix) is a file, not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                let code = errno
                throw OutputError.writeFailed(path: directory, reason: code == ENOTDIR ? "\(prefix) is under a file, not a directory"
                                                                                        : "cannot create the directory \(prefix): \(reason(code, path: prefix))")
            }
        }
        try checkDirectoryWritable(directory, for: directory)
    }

    /// Checks, without creating anything, that `directory` could be created (where missing) and written:
    /// no part of the path is a file, and the deepest existing directory accepts new files.
    /// - Throws: ``OutputError/writeFailed(path:reason:)`` naming the reason.
    public static func checkDirectory(_ directory: String) throws {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        var deepest = directory.hasPrefix("/") ? "/" : "."
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            guard stat(prefix, &st) == 0 else {
                let code = errno
                if code == ENOTDIR { throw OutputError.writeFailed(path: directory, reason: "\(prefix) is under a file, not a directory") }
                if code == ENOENT { break }
                throw OutputError.writeFailed(path: directory, reason: reason(code, path: prefix))
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw OutputError.writeFailed(path: directory, reason: "\(prefix) is a file, not a directory")
            }
            deepest = prefix
        }
        try checkDirectoryWritable(deepest, for: directory)
    }

    private static func checkDirectoryWritable(_ directory: String, for path: String) throws {
        var st = stat()
        guard stat(directory, &st) == 0 else {
            let code = errno
            throw OutputError.writeFailed(path: path, reason: code == ENOENT ? "the directory \(directory) does not exist"
                                                                             : code == ENOTDIR ? "\(directory) is under a file, not a directory"
                                                                             : reason(code, path: path))
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw OutputError.writeFailed(path: path, reason: "\(directory) is a file, not a directory") }
        var probe = Array("\(directory)/.clv-write-check-XXXXXX".utf8CString)
        let fd = probe.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: reason(errno, path: path)) }
        close(fd)
        probe.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    /// Appends bytes (buffered).
    public func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends the contents of a writer; large ones go straight to the file without another copy.
    public func write(_ writer: ByteWriter) throws {
        if writer.count < 1 << 16 {
            writer.withUnsafeBytes { buffer.append(contentsOf: $0) }
            if buffer.count >= 1 << 20 { try flush() }
            return
        }
        try flush()
        try writer.withUnsafeBytes { try writeDirect($0) }
    }

    /// Appends a byte array; large ones go straight to the file without another copy.
    public func write(_ bytes: [UInt8]) throws {
        if bytes.count < 1 << 16 {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
            return
        }
        try flush()
        try bytes.withUnsafeBytes { try writeDirect($0) }
    }

    private func writeDirect(_ raw: UnsafeRawBufferPointer) throws {
        guard !readerClosed, raw.count > 0 else { return }
        digest?.update(raw)
        byteCount += raw.count
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE, path == nil { readerClosed = true; return }
                throw OutputError.writeFailed(path: path ?? "<stdout>", reason: Self.reason(errno, path: path ?? "."))
            }
            done += n
        }
    }

    /// Appends text (buffered).
    public func write(_ text: String) throws { try write(text.utf8) }

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeDirect($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the temporary file without moving it into place (``place()`` does), so that
    /// several files can be completed first and then renamed together.
    public func seal() throws {
        guard !sealed else { return }
        do {
            try flush()
            if let digest { var d = digest; sha256 = d.finalize() }
            sealed = true
            if path != nil, fd >= 0 {
                guard close(fd) == 0 else {
                    throw OutputError.writeFailed(path: path!, reason: Self.reason(errno, path: path!))
                }
                fd = -1
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Renames the sealed temporary file over the destination.
    public func place() throws {
        try seal()
        defer { finished = true }
        guard let temporaryPath, let path else { return }
        // No fsync: the rename makes the file appear whole or not at all for readers and after a
        // crash of this process; durability across power loss is the file system's ordinary guarantee.
        guard rename(temporaryPath, path) == 0 else {
            let reason = Self.reason(errno, path: path)
            abandon()
            throw OutputError.writeFailed(path: path, reason: reason)
        }
        if let slot { TemporaryFiles.release(slot) }
        self.slot = nil
        self.temporaryPath = nil
    }

    /// Flushes and moves the file into place (or flushes standard output).
    public func commit() throws {
        try seal()
        try place()
    }

    /// Drops the temporary file; the destination is left as it was.
    public func abandon() {
        finished = true
        if let temporaryPath {
            if fd >= 0 { close(fd); fd = -1 }
            unlink(temporaryPath)
            self.temporaryPath = nil
        }
        if let slot { TemporaryFiles.release(slot) }
        slot = nil
    }
}

/// The temporary files of ``OutputFile`` that are still open, removed when the process is stopped by
/// SIGINT, SIGTERM or SIGHUP: a signal handler (installed with the first temporary file, for signals
/// whose action is the default one) unlinks them and then ends the process with the same signal, so the
/// caller sees the usual status (130 for SIGINT, 143 for SIGTERM in a shell).
///
/// The names live in fixed slots of preallocated memory, so the handler does nothing but `unlink`
/// (async-signal-safe). Files left by a process killed with SIGKILL carry its process id in their name
/// and are removed by ``removeStale(of:in:)``.
public enum TemporaryFiles {
    static let slotCount = 64
    static let slotSize = 4096
    nonisolated(unsafe) static var names: UnsafeMutablePointer<CChar>? = nil
    nonisolated(unsafe) static var inUse: UnsafeMutablePointer<Int32>? = nil
    nonisolated(unsafe) static var installed = false
    static let lock = NSLock()

    /// What a slot holds: nothing, a file to unlink, or a flat directory to empty and remove.
    enum SlotKind: Int32 { case free = 0, file = 1, directory = 2 }

    /// Claims a free slot for `path` (its name copied into the preallocated memory the handler reads) and
    /// installs the handlers; nil when the name is too long or every slot is taken. Call with ``lock`` held.
    private static func claim(_ path: [CChar], as kind: SlotKind) -> Int? {
        if names == nil {
            names = .allocate(capacity: slotCount * slotSize)
            inUse = .allocate(capacity: slotCount)
            inUse!.initialize(repeating: 0, count: slotCount)
        }
        installHandlers()
        guard path.count <= slotSize, let free = (0..<slotCount).first(where: { inUse![$0] == SlotKind.free.rawValue }) else { return nil }
        path.withUnsafeBufferPointer { (names! + free * slotSize).update(from: $0.baseAddress!, count: path.count) }
        inUse![free] = kind.rawValue
        return free
    }

    /// Creates the temporary file from `template` (ending in XXXXXX) with `mkstemp`, registered for removal on a
    /// signal. Returns the descriptor (−1 with `errno` on failure), the name and the slot (nil when all are taken).
    static func create(_ template: String) -> (Int32, String, Int?) {
        lock.lock()
        defer { lock.unlock() }
        let bytes = Array(template.utf8CString)
        // Registered before it exists, so that no moment passes with an unregistered temporary file.
        if let slot = claim(bytes, as: .file) {
            let name = names! + slot * slotSize
            let fd = mkstemp(name)
            let code = errno
            let created = String(cString: name)
            if fd < 0 { inUse![slot] = SlotKind.free.rawValue; errno = code; return (fd, created, nil) }
            return (fd, created, slot)
        }
        var copy = bytes
        let fd = copy.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        return (fd, copy.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, nil)
    }

    /// Registers an existing scratch directory (holding files only) to be emptied and removed on
    /// SIGINT/SIGTERM/SIGHUP. Returns the slot to ``release(_:)`` once the directory is gone, or nil when
    /// all slots are taken (then only the next run's stale-scratch clean-up removes it).
    public static func registerDirectory(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return claim(Array(path.utf8CString), as: .directory)
    }

    /// Forgets a slot (its file was renamed or removed, or its directory removed).
    public static func release(_ slot: Int) {
        lock.lock()
        inUse?[slot] = 0
        lock.unlock()
    }

    private static func installHandlers() {
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var current = sigaction()
            guard sigaction(sig, nil, &current) == 0 else { continue }
            #if os(Linux)
            let isDefault = current.__sigaction_handler.sa_handler == nil
            #else
            let isDefault = current.__sigaction_u.__sa_handler == nil
            #endif
            guard isDefault else { continue }
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = { sig in TemporaryFiles.removeAllAndRaise(sig) }
            #else
            action.__sigaction_u.__sa_handler = { sig in TemporaryFiles.removeAllAndRaise(sig) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// The signal handler: unlinks every registered file, restores the default action and raises the
    /// signal again (delivered when the handler returns).
    static func removeAllAndRaise(_ sig: Int32) {
        if let names, let inUse {
            for k in 0..<slotCount where inUse[k] != 0 {
                if inUse[k] == SlotKind.directory.rawValue { _ = clv_remove_flat_directory(names + k * slotSize) } else { unlink(names + k * slotSize) }
            }
        }
        signal(sig, SIG_DFL)
        raise(sig)
    }

    /// Removes `.NAME.tmp-PID-XXXXXX` files in `directory` whose process no longer runs, and
    /// `.NAME.tmp-XXXXXX` files of earlier clv versions not modified for an hour. Nothing else is touched.
    public static func removeStale(of name: String, in directory: String) {
        guard let dir = opendir(directory.isEmpty ? "." : directory) else { return }
        defer { closedir(dir) }
        let prefix = ".\(name).tmp-"
        let me = getpid()
        while let entry = readdir(dir) {
            let file = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard file.hasPrefix(prefix) else { continue }
            let rest = file.dropFirst(prefix.count)
            let full = "\(directory)/\(file)"
            let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, parts[1].count == 6, let pid = Int32(parts[0]), pid > 0 {
                guard pid != me, kill(pid, 0) != 0, errno == ESRCH else { continue }
                unlink(full)
            } else if parts.count == 1, rest.count == 6, rest.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                var st = stat()
                guard stat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
                      time(nil) - st.st_mtim.tv_sec > 3600 else { continue }
                unlink(full)
            }
        }
    }
}

/// Appends numbers and text to a byte buffer quickly (no `String` per value).
public struct ByteWriter {
    /// The buffer, owned by reference so that appends need no copy-on-write check.
    /// Its properties are exempt from dynamic exclusivity checks (`@exclusivity(unchecked)`): a writer is filled
    /// by one thread, and no append calls out while it changes them.
    final class Storage {
        @exclusivity(unchecked) var base: UnsafeMutablePointer<UInt8>
        @exclusivity(unchecked) var count = 0
        @exclusivity(unchecked) var capacity: Int
        init(capacity: Int) {
            self.capacity = max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }
        deinit { base.deallocate() }

        @inline(__always)
        func reserve(_ extra: Int) {
            if count + extra > capacity { grow(count + extra) }
        }

        @inline(never)
        func grow(_ needed: Int) {
            var size = capacity * 2
            while size < needed { size *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            bigger.update(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity = size
        }
    }

    let storage: Storage

    /// An empty writer with room for `capacity` bytes (at least 64); it grows by doubling.
    public init(capacity: Int = 0) { storage = Storage(capacity: capacity) }

    /// The bytes written so far (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    /// Number of bytes written.
    public var count: Int { storage.count }

    /// Forgets the contents, keeping the memory.
    public mutating func removeAll() { storage.count = 0 }

    /// Calls `body` with the bytes written so far.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// The bytes of `raw`, copied.
    @inline(__always)
    public mutating func append(bytes raw: UnsafeBufferPointer<UInt8>) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        storage.reserve(raw.count)
        (storage.base + storage.count).update(from: source, count: raw.count)
        storage.count += raw.count
    }

    /// The UTF-8 bytes of a literal.
    @inline(__always)
    public mutating func append(_ text: StaticString) {
        append(bytes: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The UTF-8 bytes of `text`, as they are (no quoting or escaping).
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }

    /// One byte.
    @inline(__always)
    public mutating func append(byte: UInt8) {
        storage.reserve(1)
        storage.base[storage.count] = byte
        storage.count += 1
    }

    /// A whole number in decimal.
    @inline(__always)
    public mutating func append(_ value: Int) {
        if value < 0 { append(byte: 0x2D); append(UInt(value.magnitude)); return }
        append(UInt(value))
    }

    /// An unsigned whole number in decimal.
    @inline(__always)
    public mutating func append(_ value: UInt) {
        storage.reserve(24)
        storage.count += Self.put(value, at: storage.base + storage.count)
    }

    /// Ten bytes at `source` (a date such as `2026-11-23`), copied as two words.
    @inline(__always)
    mutating func appendTen(_ source: UnsafeRawPointer) {
        storage.reserve(16)
        Self.putTen(source, at: storage.base + storage.count)
        storage.count += 10
    }

    /// A double: whole numbers as `7.0` (like Python's repr), others with 12 significant digits and
    /// no trailing zeros (`41.7527272727`, `100.5`), which is within 5e-13 relative of the value and
    /// three times faster than the shortest round-trip form. Magnitudes below 1e-7, and fractional
    /// values from 1e12 up, are written in that form instead.
    @inline(__always)
    public mutating func append(_ value: Double) {
        storage.reserve(40)
        if let k = Self.put(value, at: storage.base + storage.count) {
            storage.count += k
        } else {
            append(value.description)
        }
    }

    // MARK: Writing at a pointer
    //
    // The `put` functions write at `out`, which the caller has made room at, and return the number of
    // bytes written. A line writer reserves room once and calls them in a row, with no capacity check
    // or count update per value. They are the formatting kernels of every table: their offsets and digit
    // counts are bounded by the 40 bytes a value may take, so they add with wrapping (unchecked) arithmetic.

    /// A whole number in decimal (room for 24 bytes).
    @inline(__always)
    static func put(_ value: UInt, at out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 100_000_000 {
            // All eight digits at once, then the leading zeros dropped by a shift (one unaligned store).
            let w = eightDigits(UInt32(truncatingIfNeeded: value))
            let lead = value == 0 ? 7 : (w ^ 0x3030_3030_3030_3030).trailingZeroBitCount >> 3
            UnsafeMutableRawPointer(out).storeBytes(of: w &>> UInt64(lead << 3), as: UInt64.self)
            return 8 &- lead
        }
        var width = 1
        var t = value
        while t >= 10 { t /= 10; width &+= 1 }
        var v = value
        var p = out + width
        repeat {
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            v /= 10
        } while v > 0
        return width
    }

    /// Ten bytes from `source` (room for 16 bytes at `out`).
    @inline(__always)
    static func putTen(_ source: UnsafeRawPointer, at out: UnsafeMutablePointer<UInt8>) {
        let o = UnsafeMutableRawPointer(out)
        o.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        o.storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt16.self), toByteOffset: 8, as: UInt16.self)
    }

    /// A double as ``append(_:)-(Double)`` writes it (room for 40 bytes), or nil when it takes the
    /// shortest round-trip form.
    @inline(__always)
    static func put(_ value: Double, at out: UnsafeMutablePointer<UInt8>) -> Int? {
        let a = abs(value)
        if a < 1e15, Double(Int64(value)) == value {
            var k = 0
            if value < 0 || (value == 0 && value.sign == .minus) { out[0] = 0x2D; k = 1 }
            k &+= put(UInt(Int64(value).magnitude), at: out + k)
            out[k] = 0x2E
            out[k &+ 1] = 0x30
            return k &+ 2
        }
        // From 1e12 up, 12 significant digits would cut into the whole part: the shortest exact form then.
        guard a >= 1e-7, a < 1e12 else { return nil }
        if value < 0 {
            out[0] = 0x2D
            return 1 &+ putTwelveDigits(a, at: out + 1)
        }
        return putTwelveDigits(a, at: out)
    }

    /// `a` (in [1e-7, 1e12), not whole) rounded to 12 significant digits, trailing zeros dropped (room for
    /// 32 bytes).
    @inline(never)
    static func putTwelveDigits(_ a: Double, at out: UnsafeMutablePointer<UInt8>) -> Int {
        // Decimal exponent e with 10^e <= a < 10^(e+1).
        var e = 0
        if a >= 1 {
            var whole = Int64(a) // signed conversions are single instructions; a < 1e12
            while whole >= 10 { whole /= 10; e &+= 1 }
        } else {
            e = -1
            while a * PowersOfTen.exact(0 &- e) < 1 { e &-= 1 }
        }
        let decimals = 11 &- e
        // n = a · 10^decimals rounded half away from zero (x − trunc(x) is exact).
        let x = a * PowersOfTen.exact(decimals)
        var n = Int64(x)
        if x - Double(n) >= 0.5 { n &+= 1 }
        // n has 12 or 13 digits: the 16 digits of n with leading zeros, as two words of eight ASCII digits.
        let high = eightDigits(UInt32(truncatingIfNeeded: n / 100_000_000))
        let low = eightDigits(UInt32(truncatingIfNeeded: n % 100_000_000))
        let leadingZeros = (high ^ 0x3030_3030_3030_3030).trailingZeroBitCount >> 3 // high ≥ 1000
        let length = 16 &- leadingZeros
        let lowDigits = low ^ 0x3030_3030_3030_3030
        let trailingZeros = lowDigits == 0 ? 8 &+ ((high ^ 0x3030_3030_3030_3030).leadingZeroBitCount >> 3)
                                           : lowDigits.leadingZeroBitCount >> 3
        let integerDigits = length &- decimals
        let end = max(length &- trailingZeros, integerDigits, 0)
        // The 16 digit bytes as one 128-bit value (first digit in the lowest byte), shifted so that the
        // first significant digit comes first, with '0's shifted in: everything stays in registers.
        let shift = leadingZeros << 3
        let value: UInt128 = UInt128(low) << 64 | UInt128(high)
        let zeros: UInt128 = UInt128(0x3030_3030_3030_3030) << 64 | UInt128(0x3030_3030_3030_3030)
        let kept: UInt128 = UInt128.max &>> shift
        let digits: UInt128 = value &>> shift | zeros & ~kept
        let o = UnsafeMutableRawPointer(out)
        if integerDigits > 0 {
            // The whole part, the point, then the fraction: at most 14 bytes.
            let cut = integerDigits << 3
            let whole: UInt128 = digits & ~(UInt128.max &<< cut)
            let point: UInt128 = UInt128(0x2E) &<< cut
            let text: UInt128 = whole | point | (digits ^ whole) << 8
            o.storeBytes(of: text, as: UInt128.self)
            return integerDigits &+ 1 &+ max(end &- integerDigits, 1) // at least one digit: "7.0"
        } else {
            // "0." then -integerDigits zeros (at most 6), then the digits.
            o.storeBytes(of: 0x3030_3030_3030_2E30 as UInt64, as: UInt64.self)
            let start = 2 &- integerDigits
            o.storeBytes(of: digits, toByteOffset: start, as: UInt128.self)
            return start &+ end
        }
    }

    /// The eight decimal digits of `v` (< 10^8, with leading zeros) as ASCII, most significant in the
    /// lowest byte (so the word's bytes in memory read left to right), computed in parallel lanes.
    @inline(__always)
    static func eightDigits(_ v: UInt32) -> UInt64 {
        let merged = UInt64(v / 10_000) | UInt64(v % 10_000) << 32           // two lanes of 4 digits
        let hundreds = ((merged &* 10_486) >> 20) & 0x0000_007F_0000_007F     // lane / 100
        let pairs = ((merged &- hundreds &* 100) << 16) | hundreds             // four lanes of 2 digits
        let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F              // lane / 10
        let digits = ((pairs &- tens &* 10) << 8) | tens                       // eight lanes of 1 digit
        return digits | 0x3030_3030_3030_3030
    }

    /// A money value (same form as ``append(_:)-(Double)``).
    @inline(__always)
    public mutating func append(money value: Double) { append(value) }

    /// Whether a CSV field must be quoted: it holds `,` `"` or a line break.
    @inline(__always)
    static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = utf8.baseAddress else { return false }
        for i in 0..<utf8.count {
            let b = p[i]
            // All four are below 0x2D: one comparison rules out nearly every byte.
            if b < 0x2D, b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return true }
        }
        return false
    }

    /// A CSV field, quoted when it holds a separator, quote or line break.
    public mutating func appendCSVField(_ text: String) {
        var text = text
        text.withUTF8 { appendCSVField($0) }
    }

    /// A CSV field given as UTF-8 bytes, quoted when it holds a separator, quote or line break.
    @inline(__always)
    public mutating func appendCSVField(_ utf8: UnsafeBufferPointer<UInt8>) {
        if Self.needsQuotes(utf8) {
            append(byte: 0x22)
            for b in utf8 {
                if b == 0x22 { append(byte: 0x22) }
                append(byte: b)
            }
            append(byte: 0x22)
        } else {
            append(bytes: utf8)
        }
    }

    /// A JSON string literal.
    public mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONString($0) }
    }

    /// A JSON string literal of UTF-8 bytes.
    public mutating func appendJSONString(_ utf8: UnsafeBufferPointer<UInt8>) {
        append(byte: 0x22)
        for b in utf8 {
            switch b {
            case 0x22: append("\\\"" as StaticString)
            case 0x5C: append("\\\\" as StaticString)
            case 0x0A: append("\\n" as StaticString)
            case 0x0D: append("\\r" as StaticString)
            case 0x09: append("\\t" as StaticString)
            case 0..<0x20:
                append("\\u00" as StaticString)
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(byte: hex[Int(b >> 4)]); append(byte: hex[Int(b & 15)])
            default: append(byte: b)
            }
        }
        append(byte: 0x22)
    }
}
