import CLVCore
import CLVIngest
import CLVModels
import Foundation

/// What a pipeline reports while it runs. The library never prints: the caller shows these (the CLI on
/// stderr, a server in its job status) or ignores them.
public enum PipelineEvent {
    /// A read of the log has done `done` of `total` bytes; `label` names the read ("reading FILE up to DAY").
    case reading(label: String, done: Int, total: Int)
    /// A read finished. Its report carries the phase times when ``IngestOptions/recordTimings`` asked for them.
    case read(label: String, report: IngestReport)
    /// A model was fitted (its iterations, convergence and seconds are in the report).
    case fitted(FitReport)
    /// A line for the user: the chosen model, why there is no CLV, a segmentation's cut points.
    case note(String)
    /// A phase time, when the options asked for timings (``SegmentRunOptions/recordTimings``).
    case timing(String)
}

/// Receives a pipeline's events, on the thread that called the pipeline.
public typealias PipelineProgress = (PipelineEvent) -> Void

/// A transaction log and how to read it: what the pipelines read, once or (for earlier as-of dates) again.
public struct TransactionLogSource: Sendable {
    /// A readable file (not `-`: a pipeline that reads more than once needs a file it can open again).
    public var path: String
    /// The name used in messages and outputs (the file as the user gave it).
    public var name: String
    /// Columns, encoding, cleaning rules.
    public var options: IngestOptions
    /// Applied to every ingest report before a pipeline uses it, e.g. to name workbook rows instead of the lines
    /// of a converted copy. Identity by default.
    public var presentReport: @Sendable (IngestReport) -> IngestReport

    /// A log at `path`, shown as `name` (default: the path).
    public init(path: String, name: String? = nil, options: IngestOptions = IngestOptions(),
                presentReport: @escaping @Sendable (IngestReport) -> IngestReport = { $0 }) {
        self.path = path
        self.name = name ?? path
        self.options = options
        self.presentReport = presentReport
    }

    /// Summarises the log (``TransactionLogReader/summarize(path:options:summary:progress:)``), reporting
    /// progress as `label`.
    public func summarize(_ summary: SummaryOptions, label: String? = nil, progress: PipelineProgress? = nil) throws
        -> (SummaryTable, IngestReport) {
        let label = label ?? "reading \(name)"
        let (table, report) = try TransactionLogReader.summarize(
            path: path, options: options, summary: summary,
            progress: progress.map { report in { report(.reading(label: label, done: $0, total: $1)) } })
        progress?(.read(label: label, report: report))
        return (table, presentReport(report))
    }

    /// Summarises the log as ``summarize(_:label:progress:)`` does and keeps its rows in memory
    /// (``ResolvedLog``, 24 bytes a row), so that summaries at other dates, splits and frequencies need no
    /// second read of the file.
    public func summarizeKeepingRows(_ summary: SummaryOptions, label: String? = nil, progress: PipelineProgress? = nil) throws
        -> (SummaryTable, IngestReport, ResolvedLog) {
        let label = label ?? "reading \(name)"
        let (table, report, rows) = try TransactionLogReader.summarizeKeepingRows(
            path: path, options: options, summary: summary,
            progress: progress.map { report in { report(.reading(label: label, done: $0, total: $1)) } })
        progress?(.read(label: label, report: report))
        return (table, presentReport(report), rows)
    }
}

/// Reports the time since the previous lap as ``PipelineEvent/timing(_:)``, when timings are asked for.
struct PhaseClock {
    let prefix: String
    let progress: PipelineProgress?
    private var mark = Date()

    /// A clock that reports to `progress` only when `enabled`.
    init(_ prefix: String, enabled: Bool, progress: PipelineProgress?) {
        self.prefix = prefix
        self.progress = enabled ? progress : nil
    }

    /// "prefix what 0.123 s" for the time since the last lap (or the start).
    mutating func lap(_ what: String) {
        guard let progress else { return }
        let now = Date()
        progress(.timing("\(prefix) \(what) \(String(format: "%.3f", now.timeIntervalSince(mark))) s"))
        mark = now
    }
}
