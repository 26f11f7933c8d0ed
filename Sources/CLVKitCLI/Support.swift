import CLVCore
import CLVIO
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLVKit
import Foundation
import _CLVUtilities

extension CalendarDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
}
extension PeriodFrequency: ExpressibleByArgument {}
extension TimeUnit: ExpressibleByArgument {}
extension ReturnPolicy: ExpressibleByArgument {}
extension DuplicatePolicy: ExpressibleByArgument {}
extension ErrorPolicy: ExpressibleByArgument {}
extension TableFormat: ExpressibleByArgument {}
extension TransactionLogGenerator.RowOrder: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// Writes a line to standard error.
func printError(_ text: String) {
    var line = ExcelInputs.shared.relabel(text)
    if !line.hasSuffix("\n") { line += "\n" }
    writeStandardError(line)
}

/// Writes raw text to file descriptor 2 (unbuffered, safe from any thread).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(STDERR_FILENO, raw.baseAddress! + done, raw.count - done)
            if n <= 0 { if errno == EINTR { continue }; return }
            done += n
        }
    }
}

/// Runs `body`, turning library errors into a message on stderr and a meaningful exit code.
func withExitCodes<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as any CLVError {
        printError("error: \(error.description)")
        throw ExitCode(error.category.exitCode)
    } catch let error where excelFailure(error) != nil {
        let failure = excelFailure(error)!
        printError("error: \(failure.message)")
        throw ExitCode(failure.code)
    } catch let error as DataFileError {
        printError("error: \(error.description)")
        throw ExitCode(error.unreadable ? 66 : 65)
    } catch let error as CocoaError {
        let (message, code) = describe(error)
        printError("error: \(message)")
        throw ExitCode(code)
    }
}

/// Checks, before any work, that every given output path can be written (``OutputFile/checkWritable(path:)``).
func checkOutputs(_ paths: String?...) throws {
    for path in paths { try OutputFile.checkWritable(path: path) }
}

/// A plain-words message for a Foundation file error, and its exit code (73 cannot write, 66 cannot read, 74 other I/O).
func describe(_ error: CocoaError) -> (message: String, code: Int32) {
    let path = error.filePath ?? error.url?.path ?? (error.userInfo["NSFilePath"] as? String) ?? "the output"
    switch error.code {
    case .fileWriteNoPermission: return ("\(path): cannot write: permission denied (the directory is not writable).", 73)
    case .fileWriteVolumeReadOnly: return ("\(path): cannot write: the file system is read-only.", 73)
    case .fileWriteOutOfSpace: return ("\(path): cannot write: no space left on the device.", 73)
    case .fileWriteFileExists: return ("\(path): cannot create: a file of that name is in the way (a directory was expected, or a part of the path is a file).", 73)
    case .fileNoSuchFile, .fileWriteInvalidFileName, .fileWriteUnknown:
        return ("\(path): cannot write: a directory on the path does not exist or is a file.", 73)
    case .fileReadNoSuchFile: return ("\(path): no such file.", 66)
    case .fileReadNoPermission: return ("\(path): cannot read: permission denied.", 66)
    default: return ("\(path): \(error.localizedDescription)", 74)
    }
}

/// A one-line progress display on stderr, shown only when stderr is a terminal and not `--quiet`.
final class ProgressLine {
    let label: String
    let enabled: Bool
    private var lastUpdate = 0.0
    private let started: Double
    private var shown = false

    init(_ label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        started = ProgressLine.now()
    }

    /// Seconds on the monotonic clock. (Dispatch's, not `clock_gettime` with a `timespec`: with the
    /// workbook modules linked in, `timespec` resolves to CoreFoundation's copy in release builds.)
    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    /// Updates the line (at most ten times a second).
    func update(done: Int, total: Int, unit: String = "MB", scale: Double = 1e6) {
        guard enabled else { return }
        let t = ProgressLine.now()
        guard t - lastUpdate >= 0.1 || done >= total else { return }
        lastUpdate = t
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let rate = Double(done) / scale / max(t - started, 1e-9)
        let text = "\r\(label): \(Int(percent))% (\(format(Double(done) / scale)) of \(format(Double(total) / scale)) \(unit), \(format(rate)) \(unit)/s)\u{1B}[K"
        writeStandardError(text)
        shown = true
    }

    /// Clears the line.
    func finish() {
        guard enabled, shown else { return }
        writeStandardError("\r\u{1B}[K")
    }

    private func format(_ v: Double) -> String {
        v >= 100 ? String(Int(v.rounded())) : String(Double(Int(v * 10)) / 10)
    }
}

/// The JSON encoder of the report files (`summary.json`, `clv churn evaluate --format json`, `clv validate`,
/// `clv summary --report-json`): snake_case keys, pretty and sorted, and NaN/±Infinity written as `null`
/// (JSON has no such numbers).
struct ReportJSONEncoder {
    private let encoder: JSONEncoder
    /// What the encoder writes for a non-finite number before it becomes `null` (a string no data holds).
    static let marker = "\u{1}clv-not-a-number\u{1}"
    static let markerLiteral = Array("\"\\u0001clv-not-a-number\\u0001\"".utf8)

    init() {
        encoder = JSONCoding.encoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: Self.marker, negativeInfinity: Self.marker, nan: Self.marker)
    }

    /// The JSON text of `value`.
    func encode<T: Encodable>(_ value: T) throws -> Data {
        let data = try encoder.encode(value)
        let marker = Self.markerLiteral
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < b.count {
                if b[i] == 0x22, i + marker.count <= b.count, b[i + 1] == 0x5C, b[i + 2] == 0x75,
                   (0..<marker.count).allSatisfy({ b[i + $0] == marker[$0] }) {
                    out += Array("null".utf8)
                    i += marker.count
                } else {
                    out.append(b[i])
                    i += 1
                }
            }
        }
        return Data(out)
    }

    /// `data` (JSON from ``encode(_:)``) with every `null` outside strings turned back into `"NaN"`, for a
    /// decoder whose non-conforming floats are read from strings.
    static func nullsAsNaN(_ data: Data) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(data.count + 64)
        let b = [UInt8](data)
        var i = 0
        var inString = false
        while i < b.count {
            let c = b[i]
            if inString {
                out.append(c)
                if c == 0x5C, i + 1 < b.count { out.append(b[i + 1]); i += 2; continue }
                if c == 0x22 { inString = false }
                i += 1
                continue
            }
            if c == 0x22 { inString = true; out.append(c); i += 1; continue }
            if c == 0x6E, i + 4 <= b.count, b[i + 1] == 0x75, b[i + 2] == 0x6C, b[i + 3] == 0x6C {
                out += Array("\"NaN\"".utf8)
                i += 4
                continue
            }
            out.append(c)
            i += 1
        }
        return Data(out)
    }
}

/// The encoder of the report files (see ``ReportJSONEncoder``).
func reportJSONEncoder() -> ReportJSONEncoder { ReportJSONEncoder() }

/// Prints the reader's phase times (``IngestReport/timings``, recorded under CLVKIT_TIMING) to stderr.
func printTimings(_ report: IngestReport) {
    for line in report.timings ?? [] { printError("timing: \(line)") }
}

/// Prints a fit's optimiser figures to stderr under CLVKIT_TIMING.
func printTiming(_ fit: FitReport) {
    guard ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil else { return }
    printError("timing: \(fit.model) \(fit.method) \(fit.iterations) iterations, gradient \(fit.gradientNorm), converged \(fit.converged), \(fit.seconds) s")
}

/// Shows a library pipeline's events on stderr: a progress line per read (on a terminal, not `--quiet`),
/// the phase and fit times under CLVKIT_TIMING, and the notes as `clv: …` lines (not `--quiet`).
final class PipelineConsole {
    let quiet: Bool
    private var line: ProgressLine?
    private var label = ""

    init(quiet: Bool) { self.quiet = quiet }

    func handle(_ event: PipelineEvent) {
        switch event {
        case let .reading(label, done, total):
            if line == nil || label != self.label {
                line?.finish()
                line = ProgressLine(label, quiet: quiet)
                self.label = label
            }
            line?.update(done: done, total: total)
        case let .read(_, report):
            line?.finish()
            line = nil
            printTimings(report)
        case let .fitted(report):
            printTiming(report)
        case let .note(text):
            if !quiet { printError("clv: \(text)") }
        case let .timing(text):
            printError("timing: \(text)")
        }
    }

    /// The handler to pass to a pipeline.
    var progress: PipelineProgress { { [self] in handle($0) } }
}
