import CLVIngest
import CLVCore

/// A result that could not be written. Nothing is left half-written: ``OutputFile`` writes to a
/// scratch file beside the target and renames it into place only on ``OutputFile/commit()``.
public enum OutputError: CLVError, Equatable {
    /// The file or directory at `path` cannot be written, for `reason` (the system's words).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .writeFailed(let path, let reason): "\(path): cannot write: \(reason)."
        }
    }

    /// Always ``ErrorCategory/outputFailed``.
    public var category: ErrorCategory { .outputFailed }
}
