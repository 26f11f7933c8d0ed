#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import _CLVUtilities

/// A read-only view of a whole input as UTF-8 bytes: a memory-mapped file, or a decoded copy in an
/// unlinked temporary file (for standard input and for inputs that are not UTF-8).
///
/// The bytes are never copied into per-row strings; readers walk ``bytes`` directly.
public final class MappedInput: @unchecked Sendable {
    /// Name used in messages: the path, or `<stdin>`.
    public let name: String
    /// The encoding the input was read as.
    public let encoding: String
    /// Whether a byte-order mark was skipped.
    public let hadByteOrderMark: Bool
    /// The UTF-8 content (without any byte-order mark).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Size of the original input in bytes (before decoding).
    public let originalSize: Int
    /// Seconds spent opening, mapping and checking the encoding (``open(_:encoding:)``).
    public internal(set) var openSeconds = 0.0

    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int

    private init(name: String, encoding: String, bom: Bool, mapping: UnsafeMutableRawPointer?, length: Int,
                 offset: Int, originalSize: Int) {
        self.name = name
        self.encoding = encoding
        self.hadByteOrderMark = bom
        self.mapping = mapping
        self.mappingLength = length
        self.originalSize = originalSize
        if let mapping, length > offset {
            bytes = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self) + offset, count: length - offset)
        } else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    deinit {
        if let mapping { munmap(mapping, mappingLength) }
    }

    /// Opens `path` (`-` for standard input) and decodes it to UTF-8.
    ///
    /// - Parameter encoding: `auto` detects a byte-order mark (UTF-8, UTF-16), then accepts valid UTF-8
    ///   and otherwise reads GB18030 (a superset of GBK and GB2312). Any iconv encoding name is accepted.
    /// - Throws: ``IngestError/fileNotFound(path:)``, ``IngestError/invalidEncoding(file:line:encoding:)``, …
    public static func open(_ path: String, encoding: String = "auto") throws -> MappedInput {
        let started = MonotonicClock.now()
        let input = try openUntimed(path, encoding: encoding)
        input.openSeconds = MonotonicClock.now() - started
        return input
    }

    private static func openUntimed(_ path: String, encoding: String) throws -> MappedInput {
        if path == "-" {
            let spooled = try spoolStandardInput()
            defer { close(spooled) }
            return try open(fd: spooled, name: "<stdin>", encoding: encoding)
        }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw IngestError.fileNotFound(path: path) }
            throw IngestError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        return try open(fd: fd, name: path, encoding: encoding)
    }

    /// Wraps bytes already in memory (tests, the server): they are copied into an anonymous mapping.
    public static func fromBytes<C: Collection>(_ data: C, name: String = "<memory>", encoding: String = "auto") throws
        -> MappedInput where C.Element == UInt8 {
        let fd = try anonymousFile()
        defer { close(fd) }
        let array = Array(data)
        try array.withUnsafeBytes { try writeAll(fd, $0, name: name) }
        return try open(fd: fd, name: name, encoding: encoding)
    }

    private static func open(fd: Int32, name: String, encoding requested: String) throws -> MappedInput {
        let (mapping, size) = try map(fd: fd, name: name)
        guard let mapping, size > 0 else {
            return MappedInput(name: name, encoding: "utf-8", bom: false, mapping: nil, length: 0, offset: 0, originalSize: 0)
        }
        let raw = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
        let lower = requested.lowercased()
        if let (kind, advice) = BinarySignature.identify(raw, name: name, encoding: lower) {
            munmap(mapping, size)
            throw IngestError.notText(file: name, kind: kind, advice: advice)
        }
        let detected: String
        var bomLength = 0
        var utf8Failure: Int? // auto-detection: where UTF-8 failed
        switch lower {
        case "auto":
            if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
                detected = "utf-8"; bomLength = 3
                UTF8Validation.populate(raw)
            } else if raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF]) {
                detected = "utf-16"
            } else if let bad = UTF8Validation.firstInvalidOffset(raw) {
                // Not UTF-8: GBK/GB18030 is by far the most common alternative in this domain.
                detected = "gb18030"
                utf8Failure = bad
            } else {
                detected = "utf-8"
            }
        case "utf-8", "utf8":
            detected = "utf-8"
            if raw.starts(with: [0xEF, 0xBB, 0xBF]) { bomLength = 3 }
            if let bad = UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(rebasing: raw[bomLength...])) {
                let line = lineNumber(in: raw, at: bad + bomLength) // before the mapping goes
                munmap(mapping, size)
                throw IngestError.invalidEncoding(file: name, line: line, encoding: "UTF-8")
            }
        case "gbk", "gb2312", "cp936":
            detected = "gbk"
        default:
            detected = lower
        }
        if detected == "utf-8" {
            return MappedInput(name: name, encoding: "utf-8", bom: bomLength > 0, mapping: mapping, length: size,
                               offset: bomLength, originalSize: size)
        }
        defer { munmap(mapping, size) }
        // GBK is read with the GB18030 decoder, which accepts every GBK byte sequence.
        let iconvName = detected == "gbk" ? "GB18030" : detected.uppercased()
        let decodedFD: Int32
        do {
            decodedFD = try Transcoder.transcode(raw, from: iconvName, name: name, reportedEncoding: detected)
        } catch IngestError.invalidEncoding(_, let line, _) where utf8Failure != nil {
            throw IngestError.undetectedEncoding(file: name, utf8Line: lineNumber(in: raw, at: utf8Failure!), gb18030Line: line)
        }
        defer { close(decodedFD) }
        let (decoded, decodedSize) = try map(fd: decodedFD, name: name)
        var offset = 0
        if let decoded, decodedSize >= 3,
           UnsafeBufferPointer(start: decoded.assumingMemoryBound(to: UInt8.self), count: 3).elementsEqual([0xEF, 0xBB, 0xBF]) {
            offset = 3
        }
        return MappedInput(name: name, encoding: detected, bom: offset > 0 || detected == "utf-16", mapping: decoded,
                           length: decodedSize, offset: offset, originalSize: size)
    }

    private static func map(fd: Int32, name: String) throws -> (UnsafeMutableRawPointer?, Int) {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw IngestError.unreadable(path: name, reason: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw IngestError.unreadable(path: name, reason: "it is a directory") }
        let size = Int(st.st_size)
        if size == 0 { return (nil, 0) }
        // Large files are populated page table by page table in two halves at once while their UTF-8 is
        // checked (``UTF8Validation/populate(_:)``); others in one go here, far cheaper than one page
        // fault per few pages.
        let flags = size >= UTF8Validation.parallelSize ? MAP_PRIVATE : MAP_PRIVATE | MAP_POPULATE
        guard let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED else {
            throw IngestError.unreadable(path: name, reason: String(cString: strerror(errno)))
        }
        madvise(p, size, MADV_SEQUENTIAL)
        return (p, size)
    }

    /// 1-based line number of a byte offset.
    static func lineNumber(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
    }

    /// An unlinked temporary file, gone when its descriptor closes.
    static func anonymousFile() throws -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/clvkit-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw IngestError.unreadable(path: "temporary file", reason: String(cString: strerror(errno))) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, name: String) throws {
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError.unreadable(path: name, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    private static func spoolStandardInput() throws -> Int32 {
        let fd = try anonymousFile()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(STDIN_FILENO, chunk.baseAddress!, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw IngestError.unreadable(path: "<stdin>", reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try writeAll(fd, UnsafeRawBufferPointer(rebasing: chunk[0..<n]), name: "<stdin>")
        }
        return fd
    }
}

/// Conversion of non-UTF-8 inputs to UTF-8 with iconv, streamed through an unlinked temporary file.
enum Transcoder {
    static func transcode(_ input: UnsafeBufferPointer<UInt8>, from encoding: String, name: String,
                          reportedEncoding: String) throws -> Int32 {
        let cd = iconv_open("UTF-8", encoding)
        if cd == iconv_t(bitPattern: -1) { throw IngestError.unknownEncoding(name: reportedEncoding) }
        defer { iconv_close(cd) }
        let fd = try MappedInput.anonymousFile()
        let outCapacity = 1 << 20
        let out = UnsafeMutablePointer<CChar>.allocate(capacity: outCapacity)
        defer { out.deallocate() }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: input.baseAddress!)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        while inLeft > 0 {
            var outPtr: UnsafeMutablePointer<CChar>? = out
            var outLeft = outCapacity
            let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let produced = outCapacity - outLeft
            if produced > 0 {
                try MappedInput.writeAll(fd, UnsafeRawBufferPointer(start: out, count: produced), name: name)
            }
            if rc == -1 {
                if errno == E2BIG { continue }
                let offset = input.count - inLeft
                close(fd)
                throw IngestError.invalidEncoding(file: name, line: MappedInput.lineNumber(in: input, at: offset),
                                                  encoding: reportedEncoding.uppercased())
            }
        }
        return fd
    }
}

/// A fast UTF-8 validator (ASCII runs are skipped eight bytes at a time).
public enum UTF8Validation {
    /// Inputs from this size up are checked in two halves at once.
    static let parallelSize = 4 << 20

    /// The offset of the first byte that starts an invalid or truncated UTF-8 sequence (overlong forms,
    /// surrogates and values above U+10FFFF included), or nil when every byte is valid. From 4 MiB up, on
    /// more than one core, the two halves are checked at once.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= parallelSize, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            populate(bytes)
            return sequential(bytes)
        }
        var split = bytes.count / 2
        while split < bytes.count, bytes[split] >= 0x80 { split += 1 }
        let halves = [UnsafeBufferPointer(rebasing: bytes[0..<split]), UnsafeBufferPointer(rebasing: bytes[split...])]
        let found = Locked<[Int]>([])
        let parts = UncheckedSendable(halves)
        let middle = split
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            populate(parts.value[k])
            if let bad = sequential(parts.value[k]) { found.withLock { $0.append(bad + (k == 0 ? 0 : middle)) } }
        }
        return found.withLock { $0.min() }
    }

    /// Maps the pages of a file mapping in one call (each half on its own core), instead of one page
    /// fault per few pages; a no-op where the kernel lacks `MADV_POPULATE_READ` (Linux < 5.14).
    static func populate(_ bytes: UnsafeBufferPointer<UInt8>) {
        #if os(Linux)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) & ~(page - 1)
        let length = Int(bitPattern: base) + bytes.count - start
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), length, 22) // MADV_POPULATE_READ
        #endif
    }

    static func sequential(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        // ASCII runs, 32 bytes at a time.
        while i + 32 <= n {
            let raw = UnsafeRawPointer(base + i)
            let any = raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            if any & 0x8080_8080_8080_8080 != 0 { break }
            i += 32
        }
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let b0 = base[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lowest = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; highest = 0x9F
            case 0xF0: length = 4; lowest = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; highest = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = base[i + 1]
            guard b1 >= lowest, b1 <= highest else { return i }
            for k in 2..<length where base[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}

/// Inputs that are not text, told by their first bytes (their "magic"), so that a workbook, an
/// archive or a program is named as such instead of failing as a strange encoding.
enum BinarySignature {
    /// The kind and advice for a non-text input, or nil for anything that may be text.
    static func identify(_ bytes: UnsafeBufferPointer<UInt8>, name: String, encoding: String) -> (String, String)? {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && bytes.starts(with: magic) }
        let convert = "export the table from the source system as CSV (UTF-8) or .xlsx"
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            let head = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 1 << 16)])
            if contains(head, "xl/") || name.lowercased().hasSuffix(".xlsx") {
                return ("an Excel workbook (.xlsx)", "the clv commands read .xlsx workbooks directly when the file name ends in .xlsx (--sheet picks the sheet); or save the sheet as CSV (UTF-8)")
            }
            if contains(head, "word/") { return ("a Word document (.docx)", convert) }
            if contains(head, "ppt/") { return ("a PowerPoint file (.pptx)", convert) }
            if contains(head, "content.xml") { return ("an OpenDocument file (.ods/.odt)", "save the sheet as .xlsx or CSV (UTF-8)") }
            return ("a ZIP archive", "unpack it first (unzip) and pass the CSV inside")
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return ("an old-format Excel workbook (.xls, BIFF) or another legacy Office file", "the binary .xls format is not read: open it in Excel, WPS or LibreOffice and save it as .xlsx or CSV (UTF-8)")
        }
        if starts(Array("%PDF-".utf8)) { return ("a PDF document", convert) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return ("an executable program (ELF)", "pass the transaction export, not a program") }
        if starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE]) {
            return ("an executable program (Mach-O)", "pass the transaction export, not a program")
        }
        if starts([0x4D, 0x5A]), bytes.count >= 64, bytes[0..<64].contains(0) {
            return ("a Windows program (EXE/DLL)", "pass the transaction export, not a program")
        }
        if starts([0x1F, 0x8B]) { return ("a gzip-compressed file", "decompress it first (gunzip -k FILE) and pass the CSV") }
        if starts(Array("BZh".utf8)), bytes.count > 3, (0x31...0x39).contains(bytes[3]) {
            return ("a bzip2-compressed file", "decompress it first (bunzip2 -k FILE) and pass the CSV")
        }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return ("an xz-compressed file", "decompress it first (unxz -k FILE) and pass the CSV") }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return ("a zstd-compressed file", "decompress it first (unzstd FILE) and pass the CSV") }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return ("a 7-Zip archive", "unpack it first and pass the CSV inside") }
        if starts(Array("Rar!".utf8)) { return ("a RAR archive", "unpack it first and pass the CSV inside") }
        if starts(Array("SQLite format 3".utf8) + [0]) { return ("an SQLite database", "export the table as CSV (sqlite3 -csv -header DB 'SELECT …')") }
        if starts(Array("PAR1".utf8)) { return ("a Parquet file", "export it as CSV first") }
        if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8)) {
            return ("an image", "pass the transaction export")
        }
        // NUL bytes never occur in text in a byte-oriented encoding; UTF-16/32 with a byte-order mark
        // (or named by --encoding) is the exception.
        let wide = encoding.contains("16") || encoding.contains("32") || encoding.contains("ucs")
            || starts([0xFF, 0xFE]) || starts([0xFE, 0xFF])
        if !wide, bytes[0..<min(bytes.count, 4096)].contains(0) {
            return ("binary data (it holds NUL bytes)", "pass a text export (CSV, TSV); a UTF-16 file without a byte-order mark needs --encoding utf-16le or utf-16be")
        }
        return nil
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
