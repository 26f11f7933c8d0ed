import Foundation

/// A flag a caller sets to stop long library work (reading a log, fitting a model) early.
///
/// The work checks the flag at its progress points (every 16 384 rows, every optimiser iteration) on
/// every thread it uses, and stops by throwing `CancellationError`; nothing is half-written, since
/// results are returned only when complete. A server running the work in a `Task` cancels it with
/// `withTaskCancellationHandler { … } onCancel: { token.cancel() }`.
public final class CancellationToken: Sendable, Hashable {
    private let flag = NSLock()
    nonisolated(unsafe) private var cancelled = false

    /// A token not yet cancelled.
    public init() {}

    /// Asks the work to stop.
    public func cancel() {
        flag.lock()
        cancelled = true
        flag.unlock()
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool {
        flag.lock()
        defer { flag.unlock() }
        return cancelled
    }

    /// Throws `CancellationError` when cancelled.
    public func check() throws {
        if isCancelled { throw CancellationError() }
    }

    /// Tokens are equal only to themselves.
    public static func == (a: CancellationToken, b: CancellationToken) -> Bool { a === b }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
