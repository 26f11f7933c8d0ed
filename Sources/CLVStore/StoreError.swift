import CLVCore
import CLVHistory

/// What can go wrong with a store.
public enum StoreError: CLVError, Equatable {
    /// The store cannot be opened or created at `location`.
    case unavailable(location: String, reason: String)
    /// The store was written by a newer CLVKit: its schema has migrations this version does not know.
    case newerSchema(location: String, unknown: [String])
    /// A row already in the store under the same key has different content (with ``ConflictPolicy/error``).
    case conflictingRow(source: String, key: String, line: Int64, differences: String)
    /// A row lacks what its key is made of (an event id, an order id).
    case missingRowKey(line: Int64, what: String)
    /// The same key appears twice in one import with different content.
    case duplicateKeyInImport(source: String, key: String, line: Int64)
    /// A stored value cannot be read back (a damaged store).
    case damaged(location: String, reason: String)
    /// An identity-rules file that cannot be read as rules.
    case invalidIdentityRules(file: String, reason: String)
    /// An identifier type the rules do not know.
    case unknownIdentifierType(String, known: [String])
    /// No customer holds this id or identifier.
    case unknownCustomer(location: String, id: String)
    /// A run that `clv import --undo` cannot undo, and why.
    case cannotUndo(run: Int64, reason: String)
    /// An operation this back end does not offer yet (it refuses rather than do less than asked).
    case unsupported(location: String, what: String)

    /// The category that decides the exit code and the HTTP status.
    public var category: ErrorCategory {
        switch self {
        case .unavailable: return .inputUnavailable
        case .newerSchema, .conflictingRow, .missingRowKey, .duplicateKeyInImport, .damaged: return .invalidData
        case .invalidIdentityRules, .unknownIdentifierType: return .usage
        case .unknownCustomer: return .inputUnavailable
        case .cannotUndo: return .invalidData
        case .unsupported: return .usage
        }
    }

    /// A sentence naming the store, source, line and key where there is one.
    public var description: String {
        switch self {
        case .unavailable(let location, let reason):
            return "\(location): cannot open the store: \(reason)"
        case .newerSchema(let location, let unknown):
            return "\(location): the store was written by a newer CLVKit (schema steps \(unknown.joined(separator: ", ")) are unknown to this version); upgrade clv to read it"
        case .conflictingRow(let source, let key, let line, let differences):
            return "line \(line): source '\(source)' already has row '\(key)' with other content (\(differences)); pass --on-conflict replace to record the correction"
        case .missingRowKey(let line, let what):
            return "line \(line): the row has no \(what), which its key in the store is made of"
        case .duplicateKeyInImport(let source, let key, let line):
            return "line \(line): row key '\(key)' of source '\(source)' appears earlier in this import with other content"
        case .damaged(let location, let reason):
            return "\(location): the store is damaged: \(reason)"
        case .invalidIdentityRules(let file, let reason):
            return "\(file): \(reason)"
        case .unknownIdentifierType(let type, let known):
            return "unknown identifier type '\(type)' (known: \(known.joined(separator: ", ")); declare it under 'types' in --identity-rules"
        case .unknownCustomer(let location, let id):
            return "\(location): no customer has the id or identifier '\(id)'"
        case .cannotUndo(let run, let reason):
            return "run \(run) cannot be undone: \(reason)"
        case .unsupported(let location, let what):
            return "\(location): \(what) is not available on a PostgreSQL store in this version; use a SQLite store for it"
        }
    }
}

extension CustomerHistory {
    /// A history read back from a store: its binary form, checked to belong to `customer`.
    /// - Throws: ``StoreError/damaged(location:reason:)`` naming the store and the customer when the bytes are not
    ///   a history of a known format version, or are another customer's.
    public init(stored bytes: some Collection<UInt8>, customer: String, location: String) throws {
        let history: CustomerHistory
        do {
            history = try CustomerHistory(encoded: bytes)
        } catch {
            throw StoreError.damaged(location: location, reason: "the history of customer '\(customer)' cannot be read: \(error)")
        }
        guard history.customerID == customer else {
            throw StoreError.damaged(location: location, reason: "the history stored for '\(customer)' belongs to '\(history.customerID)'")
        }
        self = history
    }
}
