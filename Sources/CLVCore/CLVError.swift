/// What kind of failure an error is. Every library error maps to one category, and the category alone decides the
/// process exit code (BSD `sysexits.h`) and the HTTP status a server answers with, so the two never drift apart.
public enum ErrorCategory: String, Sendable, Hashable, CaseIterable, Codable {
    /// The caller asked for something that cannot be done as asked (a bad option or parameter): exit 64, HTTP 400.
    case usage
    /// The input was read but its content is wrong or insufficient: exit 65, HTTP 422.
    case invalidData
    /// An input does not exist or cannot be read: exit 66, HTTP 404.
    case inputUnavailable
    /// An output cannot be created or written: exit 73, HTTP 500.
    case outputFailed
    /// A step ran but could not finish, e.g. a fit that did not converge: exit 70, HTTP 500.
    case internalFailure

    /// The process exit code of this category (`sysexits.h`: EX_USAGE 64, EX_DATAERR 65, EX_NOINPUT 66,
    /// EX_SOFTWARE 70, EX_CANTCREAT 73).
    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .invalidData: return 65
        case .inputUnavailable: return 66
        case .internalFailure: return 70
        case .outputFailed: return 73
        }
    }

    /// The HTTP status a server answers with for this category.
    public var httpStatus: Int {
        switch self {
        case .usage: return 400
        case .invalidData: return 422
        case .inputUnavailable: return 404
        case .internalFailure, .outputFailed: return 500
        }
    }
}

/// The one error protocol of CLVKit. Each library error enum conforms, says which ``ErrorCategory`` it is and
/// describes itself in a sentence that names the file, line and field where there is one. The CLI maps the
/// category to an exit code, the server to an HTTP status; neither lists error types by hand.
public protocol CLVError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, which decides the exit code and the HTTP status.
    var category: ErrorCategory { get }
}
