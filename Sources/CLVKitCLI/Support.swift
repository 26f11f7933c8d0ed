#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLVKit
import Foundation

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
extension ReportLanguage: ExpressibleByArgument {}

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
    } catch let error as IngestError {
        printError("error: \(error.description)")
        switch error {
        case .fileNotFound: throw ExitCode(66)
        case .unreadable: throw ExitCode(66)
        case .writeFailed: throw ExitCode(73)
        case .invalidOption, .unknownEncoding: throw ExitCode(64)
        default: throw ExitCode(65)
        }
    } catch let error as ModelError {
        printError("error: \(error.description)")
        throw ExitCode(65)
    } catch let error as SegmentationError {
        printError("error: \(error.description)")
        if case .invalidOption = error { throw ExitCode(64) }
        throw ExitCode(65)
    } catch let error as PredictionError {
        printError("error: \(error.description)")
        if case .invalidOption = error { throw ExitCode(64) }
        throw ExitCode(65)
    } catch let error as IndexScoringError {
        printError("error: \(error.description)")
        throw ExitCode(65)
    } catch let error where excelFailure(error) != nil {
        let failure = excelFailure(error)!
        printError("error: \(failure.message)")
        throw ExitCode(failure.code)
    } catch let error as DataFileError {
        printError("error: \(error.description)")
        throw ExitCode(error.unreadable ? 66 : 65)
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

/// The JSON encoder of the report files (`summary.json`, `clv churn evaluate --format json`, `clv validate`):
/// snake_case keys, pretty and sorted, and NaN/±Infinity written as strings (JSON has no such numbers).
func reportJSONEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
}
