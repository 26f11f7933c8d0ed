import CLVStore
import Foundation

/// Where a PostgreSQL store is: `postgres://user@host:port/database?sslmode=…&schema=…`.
///
/// The password never comes from the URL (it would sit in the process list and shell history): a URL that
/// holds one is refused. It comes from `PGPASSWORD` or a password file (`~/.pgpass`, `PGPASSFILE`), which
/// the caller reads and hands over (``PostgresLocation/password(fromPassFile:)``); the library reads no
/// environment.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// TLS, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate.
        case prefer
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, checking the certificate chain and the host name.
        case verifyFull = "verify-full"
    }

    /// The server's host.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to connect as.
    public var user: String
    /// The database.
    public var database: String
    /// The schema the store's tables live in (created if missing).
    public var schema: String
    /// TLS.
    public var tls: TLSMode
    /// The password, from `PGPASSWORD` or a password file (never from the URL).
    public var password: String?

    /// Whether `text` names a PostgreSQL store.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a store URL.
    /// - Throws: ``StoreError/unavailable(location:reason:)`` for a URL that cannot be read, holds a password,
    ///   or names an unknown `sslmode` or a schema that is not a plain identifier.
    public init(url text: String) throws {
        guard Self.isPostgresURL(text), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw StoreError.unavailable(location: "postgres://…", reason: "not a postgres://user@host/database URL")
        }
        if url.password != nil {
            throw StoreError.unavailable(location: "postgres://\(url.user ?? "")@\(host)/…",
                                         reason: "the URL holds a password; give it in PGPASSWORD or a password file (~/.pgpass) instead")
        }
        self.host = host
        port = url.port ?? 5432
        user = url.user ?? "postgres"
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? user : path
        var schema = "clvkit", tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw StoreError.unavailable(location: "postgres://\(user)@\(host)/\(database)",
                                                 reason: "sslmode '\(item.value ?? "")' is not one of disable, prefer, require, verify-full")
                }
                tls = mode
            case "schema":
                guard let value = item.value, Self.isPlainIdentifier(value) else {
                    throw StoreError.unavailable(location: "postgres://\(user)@\(host)/\(database)",
                                                 reason: "schema '\(item.value ?? "")' must be letters, digits and _ (not starting with a digit)")
                }
                schema = value
            default:
                throw StoreError.unavailable(location: "postgres://\(user)@\(host)/\(database)",
                                             reason: "unknown URL parameter '\(item.name)' (known: sslmode, schema)")
            }
        }
        self.schema = schema
        self.tls = tls
    }

    /// The URL without a password, for messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?schema=\(schema)" }

    /// The password for this location in a libpq password file (`host:port:database:user:password` lines, `*`
    /// matching anything, `\:` and `\\` escaped), or nil.
    public func password(fromPassFile content: String) -> String? {
        for line in content.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], current = "", escaped = false
            for ch in line {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == ":" && fields.count < 4 {
                    fields.append(current); current = ""
                } else { current.append(ch) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first), s.count <= 63 else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
