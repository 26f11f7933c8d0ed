import CLVIntrinsics

/// How fields are separated.
public enum FieldSeparator: Sendable, Hashable, CustomStringConvertible {
    /// One byte: `,` `;` tab `|` or any other ASCII character.
    case character(UInt8)
    /// Runs of spaces and tabs; leading and trailing blanks are ignored (fixed-width-ish exports).
    case whitespace

    /// `,` (CSV).
    public static let comma = FieldSeparator.character(UInt8(ascii: ","))
    /// `;` (CSV from locales with a decimal comma).
    public static let semicolon = FieldSeparator.character(UInt8(ascii: ";"))
    /// A tab (TSV).
    public static let tab = FieldSeparator.character(UInt8(ascii: "\t"))
    /// `|`.
    public static let pipe = FieldSeparator.character(UInt8(ascii: "|"))

    /// Parses a command-line name: `,` `comma` `;` `semicolon` `tab` `\t` `|` `pipe` `whitespace` `space`.
    public init?(name: String) {
        switch name.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "tab", "\\t", "\t", "tsv": self = .tab
        case "|", "pipe": self = .pipe
        case "whitespace", "space", "spaces", "ws": self = .whitespace
        default:
            guard name.utf8.count == 1, let b = name.utf8.first, b < 0x80, b != 0x22, b != 0x0A, b != 0x0D else { return nil }
            self = .character(b)
        }
    }

    public var description: String {
        switch self {
        case .whitespace: return "whitespace"
        case .character(0x09): return "tab"
        case .character(0x2C): return "comma"
        case .character(0x3B): return "semicolon"
        case .character(0x7C): return "pipe"
        case .character(let b): return "'\(String(UnicodeScalar(b)))'"
        }
    }

    /// Guesses the separator from the first lines: the candidate (`,` tab `;` `|`) that appears the same
    /// non-zero number of times outside quotes on every sampled line wins (ties: the higher count);
    /// otherwise whitespace when lines have several blank-separated fields, else comma.
    public static func detect(in bytes: UnsafeBufferPointer<UInt8>) -> FieldSeparator {
        let candidates: [UInt8] = [0x2C, 0x09, 0x3B, 0x7C]
        var counts = [[Int]](repeating: [], count: candidates.count)
        var wsFields: [Int] = []
        var i = 0
        var lines = 0
        let limit = min(bytes.count, 1 << 16)
        while i < limit, lines < 30 {
            var lineCounts = [Int](repeating: 0, count: candidates.count)
            var inQuotes = false
            var fields = 0
            var inField = false
            var sawContent = false
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == 0x22 { inQuotes.toggle() }
                if inQuotes { sawContent = true; continue }
                if b == 0x0A { break }
                if b == 0x0D { continue }
                if let k = candidates.firstIndex(of: b) { lineCounts[k] += 1 }
                if b == 0x20 || b == 0x09 {
                    inField = false
                } else {
                    sawContent = true
                    if !inField { fields += 1; inField = true }
                }
            }
            guard sawContent else { continue }
            lines += 1
            for k in candidates.indices { counts[k].append(lineCounts[k]) }
            wsFields.append(fields)
        }
        guard lines > 0 else { return .comma }
        // Leading lines without any candidate (an ERP report's title) are not judged, nor is the last line
        // of three or more (a totals row may have fewer fields); the last sampled line may also be cut by
        // the sample limit.
        var titles = 0
        while titles < lines - 1, titles < 10, candidates.indices.allSatisfy({ counts[$0][titles] == 0 }) { titles += 1 }
        if candidates.indices.allSatisfy({ counts[$0][titles] == 0 }) { titles = 0 } // no candidate anywhere near
        let judgedEnd = lines - titles >= 3 || (lines - titles > 1 && i < bytes.count) ? lines - 1 : lines
        var best: (index: Int, count: Int)?
        for k in candidates.indices {
            let judged = Array(counts[k][titles..<judgedEnd])
            guard let first = judged.first, first > 0, judged.allSatisfy({ $0 == first }) else { continue }
            if best == nil || first > best!.count { best = (k, first) }
        }
        if let best { return .character(candidates[best.index]) }
        if titles == 0, let first = wsFields.first, first > 1 { return .whitespace }
        // Fall back to the most frequent candidate on the first judged line, else comma.
        if let k = candidates.indices.max(by: { counts[$0][titles] < counts[$1][titles] }), counts[k][titles] > 0 {
            return .character(candidates[k])
        }
        return .comma
    }
}

/// Location of one field inside the input buffer.
public struct FieldSlice: Sendable {
    /// Offset of the first byte of the value (after an opening quote).
    public var start: Int
    /// Offset one past the last byte of the value (before a closing quote).
    public var end: Int
    /// Whether the value was quoted and contains doubled quotes (`""`) that must be unescaped.
    public var hasEscapedQuotes: Bool
    /// Whether the value was quoted.
    public var quoted: Bool

    /// A slice from byte offset `start` to `end` (exclusive); empty by default.
    public init(start: Int = 0, end: Int = 0, hasEscapedQuotes: Bool = false, quoted: Bool = false) {
        self.start = start
        self.end = end
        self.hasEscapedQuotes = hasEscapedQuotes
        self.quoted = quoted
    }
}

/// Splits a UTF-8 buffer into records and fields following RFC 4180 (quoted fields may hold
/// separators, line breaks and doubled quotes), with LF or CRLF line ends. Blank lines are skipped.
///
/// Only the first `keep` fields of each record are stored; the rest are counted. The scanner never
/// allocates per record.
public struct RecordScanner: ~Copyable {
    /// The input, UTF-8; the scanner does not own it, and it must outlive the scanner.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// How fields are separated.
    public let separator: FieldSeparator
    /// Current byte offset.
    public private(set) var position: Int
    /// 1-based line number of the next record's first line.
    public private(set) var line: Int
    /// Where the kept fields of the current record start and end, and their flags (1: quoted, 2: holds
    /// doubled quotes), in separate arrays: each is read back with loads of the size it was stored with.
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let flags: UnsafeMutablePointer<UInt8>
    /// How many fields of a record are kept.
    public let keep: Int
    /// Scratch space for unescaped quoted fields (behind a pointer, so that ``field(_:)`` can grow it for a
    /// field longer than any before).
    private let scratch: UnsafeMutablePointer<UnsafeMutableBufferPointer<UInt8>>
    /// Number of fields in the current record.
    public private(set) var fieldCount: Int = 0
    /// Line on which the current record starts.
    public private(set) var recordLine: Int = 0
    /// Set when the current record has a quote problem (an unclosed quote, or text after a closing quote).
    public private(set) var quoteProblem: Bool = false
    /// Set once any quoted field contained a line break (then not every line break ends a record).
    public private(set) var sawLineBreakInQuotes: Bool = false
    /// The 64 bytes from `blockStart` as a bit mask of separators, line feeds and quotes (delimited records).
    private var blockStart = Int.min / 2
    private var blockMask: UInt64 = 0

    /// A scanner over `bytes` from offset `start`.
    /// - Parameters:
    ///   - keep: how many leading fields of each record to store (at least 1); later fields are only counted.
    ///   - start: the byte offset where scanning begins, normally the start of a line.
    ///   - line: the 1-based line number at `start`, for ``line`` and ``recordLine``.
    public init(bytes: UnsafeBufferPointer<UInt8>, separator: FieldSeparator, keep: Int,
                start: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.separator = separator
        self.position = start
        self.line = line
        self.keep = max(keep, 1)
        starts = .allocate(capacity: self.keep)
        starts.initialize(repeating: 0, count: self.keep)
        ends = .allocate(capacity: self.keep)
        ends.initialize(repeating: 0, count: self.keep)
        flags = .allocate(capacity: self.keep)
        flags.initialize(repeating: 0, count: self.keep)
        scratch = .allocate(capacity: 1)
        scratch.initialize(to: .allocate(capacity: 1 << 16))
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        flags.deallocate()
        scratch.pointee.deallocate()
        scratch.deallocate()
    }

    /// Reads the next non-blank record; false at the end of the input.
    public mutating func next() -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        while position < n {
            recordLine = line
            quoteProblem = false
            let blank: Bool
            switch separator {
            case .character(let sep): blank = scanDelimited(base, n, sep)
            case .whitespace: blank = scanWhitespace(base, n)
            }
            if !blank { return true }
        }
        return false
    }

    /// Reads the next record when it is plain: exactly `k` fields, no quote character anywhere, ended by
    /// a line feed (or CR LF). Returns the offset where the record starts and sets `ends[i]` to the end of
    /// field `i` (the fields lie back to back, one separator apart; blanks are not trimmed). Returns nil,
    /// and moves nothing, for any other record (or blank line, or the end of the input): ``next()`` then
    /// reads it in full. Delimited inputs only.
    @inline(__always)
    public mutating func nextPlain(fields k: Int, ends: UnsafeMutablePointer<Int>) -> Int? {
        guard case .character(let sep) = separator, let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        let start = position
        guard start < n, base[start] != 0x0A, base[start] != 0x0D else { return nil }
        var p = start
        var i = 0
        while true {
            let q = nextSeparatorOrLineFeed(base, n, sep, from: p)
            guard q < n, base[q] != 0x22 else { return nil } // the last record without a line feed; a quote
            ends[i] = q
            i &+= 1
            if base[q] == 0x0A {
                guard i == k else { return nil }
                break
            }
            guard i < k else { return nil }
            p = q &+ 1
        }
        let lineFeed = ends[k &- 1]
        if base[lineFeed &- 1] == 0x0D { ends[k &- 1] = lineFeed &- 1 }
        recordLine = line
        line &+= 1
        position = lineFeed &+ 1
        fieldCount = k
        quoteProblem = false
        return start
    }

    /// Puts the scanner back to the start of a record that ``nextPlain(fields:ends:)`` read, so that
    /// ``next()`` reads it again.
    public mutating func rewind(to start: Int, line recordLine: Int) {
        position = start
        line = recordLine
    }

    /// Scans one delimited record starting at `position`; returns true if the line was blank.
    mutating func scanDelimited(_ base: UnsafePointer<UInt8>, _ n: Int, _ sep: UInt8) -> Bool {
        var p = position
        var index = 0
        // A blank line (only CR/LF) is skipped.
        if base[p] == 0x0A || (base[p] == 0x0D && p + 1 < n && base[p + 1] == 0x0A) {
            position = p + (base[p] == 0x0A ? 1 : 2)
            line += 1
            return true
        }
        while true {
            var slice = FieldSlice()
            if p < n && base[p] == 0x22 {
                // Quoted field.
                p += 1
                slice.start = p
                slice.quoted = true
                var closed = false
                while p < n {
                    let b = base[p]
                    if b == 0x22 {
                        if p + 1 < n && base[p + 1] == 0x22 {
                            slice.hasEscapedQuotes = true
                            p += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if b == 0x0A { line += 1; sawLineBreakInQuotes = true }
                    p += 1
                }
                slice.end = p
                if closed { p += 1 } else { quoteProblem = true }
                // Anything between the closing quote and the separator is a quoting error; skip it.
                while p < n {
                    let b = base[p]
                    if b == sep || b == 0x0A { break }
                    if b == 0x0D && (p + 1 == n || base[p + 1] == 0x0A) { p += 1; continue }
                    if b != 0x20 && b != 0x09 { quoteProblem = true }
                    p += 1
                }
            } else {
                slice.start = p
                p = nextSeparatorOrLineFeed(base, n, sep, from: p)
                while p < n, base[p] == 0x22 { p = nextSeparatorOrLineFeed(base, n, sep, from: p + 1) } // a quote inside
                var end = p
                if end > slice.start && base[end - 1] == 0x0D && (p == n || base[p] == 0x0A) { end -= 1 }
                slice.end = end
            }
            if index < keep { store(index, slice) }
            index += 1
            if p < n && base[p] == sep {
                p += 1
                if p == n { // a trailing separator at end of input: one more empty field
                    if index < keep { store(index, FieldSlice(start: p, end: p)) }
                    index += 1
                    break
                }
                continue
            }
            if p < n { p += 1; line += 1 } // the line feed
            break
        }
        position = p
        fieldCount = index
        return false
    }

    /// The first offset at or after `p` that holds `sep`, a line feed or a quote, or `n`. The input is looked at
    /// 64 bytes at a time (one vector comparison per block); the block's bit mask is kept for the next
    /// fields, so a typical row costs a few bit operations per field.
    @inline(__always)
    mutating func nextSeparatorOrLineFeed(_ base: UnsafePointer<UInt8>, _ n: Int, _ sep: UInt8, from p: Int) -> Int {
        var offset = p &- blockStart
        if offset < 0 || offset >= 64 { loadBlock(base, n, sep, at: p); offset = 0 }
        while true {
            let remaining = blockMask &>> UInt64(offset)
            if remaining != 0 { return blockStart &+ offset &+ remaining.trailingZeroBitCount }
            if blockStart &+ 64 >= n { return n }
            loadBlock(base, n, sep, at: blockStart &+ 64)
            offset = 0
        }
    }

    /// Computes the mask of the 64 bytes from `start` (fewer at the end of the input).
    @inline(__always)
    private mutating func loadBlock(_ base: UnsafePointer<UInt8>, _ n: Int, _ sep: UInt8, at start: Int) {
        blockStart = start
        if start &+ 64 <= n {
            blockMask = clv_match64_3(base + start, sep, 0x0A, 0x22)
        } else {
            var mask: UInt64 = 0
            for i in 0..<max(n - start, 0) where base[start + i] == sep || base[start + i] == 0x0A || base[start + i] == 0x22 {
                mask |= 1 << UInt64(i)
            }
            blockMask = mask
        }
    }

    /// Scans one whitespace-separated record; returns true if the line was blank.
    mutating func scanWhitespace(_ base: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var p = position
        var index = 0
        while true {
            while p < n && (base[p] == 0x20 || base[p] == 0x09 || base[p] == 0x0D) { p += 1 }
            if p >= n || base[p] == 0x0A { break }
            var slice = FieldSlice()
            if base[p] == 0x22 {
                p += 1
                slice.start = p
                slice.quoted = true
                var closed = false
                while p < n {
                    let b = base[p]
                    if b == 0x22 {
                        if p + 1 < n && base[p + 1] == 0x22 { slice.hasEscapedQuotes = true; p += 2; continue }
                        closed = true
                        break
                    }
                    if b == 0x0A { line += 1; sawLineBreakInQuotes = true }
                    p += 1
                }
                slice.end = p
                if closed { p += 1 } else { quoteProblem = true }
                if p < n && !(base[p] == 0x20 || base[p] == 0x09 || base[p] == 0x0D || base[p] == 0x0A) {
                    quoteProblem = true
                    while p < n && !(base[p] == 0x20 || base[p] == 0x09 || base[p] == 0x0D || base[p] == 0x0A) { p += 1 }
                }
            } else {
                slice.start = p
                while p < n {
                    let b = base[p]
                    if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { break }
                    p += 1
                }
                slice.end = p
            }
            if index < keep { store(index, slice) }
            index += 1
        }
        if p < n { p += 1 } // the line feed
        line += 1
        position = p
        fieldCount = index
        return index == 0
    }

    @inline(__always)
    private func store(_ index: Int, _ slice: FieldSlice) {
        starts[index] = slice.start
        ends[index] = slice.end
        flags[index] = (slice.quoted ? 1 : 0) | (slice.hasEscapedQuotes ? 2 : 0)
    }

    /// Whether the current record is a single unquoted field that is empty once blanks are trimmed (a line
    /// of blanks): readers skip it like a blank line.
    public var isEmptyRecord: Bool { fieldCount == 1 && flags[0] & 1 == 0 && field(0).count == 0 }

    /// Whether field `index` of the current record was quoted and holds doubled quotes (`""`).
    public func hasEscapedQuotes(_ index: Int) -> Bool { flags[index] & 2 != 0 }

    /// The text of field `index` of the current record, unescaped and trimmed of surrounding blanks.
    public func string(_ index: Int) -> String {
        guard index < min(fieldCount, keep) else { return "" }
        return String(decoding: field(index), as: UTF8.self)
    }

    /// Calls `body` with the bytes of field `index` (unescaped, blanks trimmed when unquoted).
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(field(index))
    }

    /// The bytes of field `index` of the current record: unescaped, blanks trimmed when unquoted.
    /// Valid until the next call of `field` or `next`.
    @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard let base = bytes.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        var s = starts[index], e = ends[index]
        let quoted = flags[index] & 1 != 0
        // Nearly every field: unquoted, not empty, and neither end is a blank (both blanks are ≤ 0x20).
        if !quoted, e > s, base[s] > 0x20, base[e - 1] > 0x20 {
            return UnsafeBufferPointer(start: base + s, count: e - s)
        }
        if !quoted {
            while s < e && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
            while e > s && (base[e - 1] == 0x20 || base[e - 1] == 0x09) { e -= 1 }
        }
        if flags[index] & 2 == 0 {
            return UnsafeBufferPointer(start: base + s, count: e - s)
        }
        // The unescaped text is never longer than the field.
        if e - s > scratch.pointee.count {
            scratch.pointee.deallocate()
            scratch.pointee = .allocate(capacity: e - s)
        }
        let out = scratch.pointee
        var n = 0
        var i = s
        while i < e {
            out[n] = base[i]
            n += 1
            i += (base[i] == 0x22 && i + 1 < e && base[i + 1] == 0x22) ? 2 : 1
        }
        return UnsafeBufferPointer(start: out.baseAddress, count: n)
    }
}
