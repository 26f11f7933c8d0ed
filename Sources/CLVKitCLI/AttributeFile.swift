import CLVKit
import Foundation

/// A problem in a side file (attributes, comparison matrix), naming the file, line and field.
struct DataFileError: Error, CustomStringConvertible {
    let description: String
    /// The file could not be read at all (exit 66) rather than holding bad data (exit 65).
    var unreadable = false
    init(_ description: String, unreadable: Bool = false) {
        self.description = description
        self.unreadable = unreadable
    }
}

/// Extra numeric per-customer columns from a CSV file with a header and a customer id column.
struct AttributeFile: AttributeSource {
    let path: String
    let columns: [String]
    /// Values by customer id, in column order.
    let rows: [String: [Double]]

    init(path: String, idColumn: String = "customer_id") throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DataFileError("cannot read the attribute file \(path) as UTF-8 text.", unreadable: true)
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false)
            .map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw DataFileError("\(path) is empty.")
        }
        guard let idIndex = header.firstIndex(of: idColumn) else {
            throw DataFileError("\(path), line 1: no \(idColumn) column (columns: \(header.joined(separator: ", "))).")
        }
        columns = header.enumerated().filter { $0.offset != idIndex }.map(\.element)
        var rows: [String: [Double]] = [:]
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else {
                throw DataFileError("\(path), line \(n + 1): \(fields.count) fields, the header has \(header.count).")
            }
            var values: [Double] = []
            for (k, field) in fields.enumerated() where k != idIndex {
                guard let v = Double(field), v.isFinite else {
                    throw DataFileError("\(path), line \(n + 1), field \(header[k]): '\(field)' is not a number.")
                }
                values.append(v)
            }
            guard rows.updateValue(values, forKey: fields[idIndex]) == nil else {
                throw DataFileError("\(path), line \(n + 1): customer \(fields[idIndex]) appears twice.")
            }
        }
        self.rows = rows
    }

    /// Column `name` for the customers `ids`; a customer without a row is an error.
    func column(_ name: String, for ids: [String]) throws -> [Double] {
        guard let j = columns.firstIndex(of: name) else { throw DataFileError("\(path) has no column \(name).") }
        return try ids.map { id in
            guard let row = rows[id] else { throw DataFileError("\(path) has no row for customer \(id).") }
            return row[j]
        }
    }
}

/// Reads a pairwise comparison matrix: a CSV whose header names the criteria (after an empty first cell)
/// and whose rows start with the criterion name; entries are numbers or fractions such as 1/3.
func readComparisonMatrix(_ path: String) throws -> PairwiseComparisonMatrix {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw DataFileError("cannot read the comparison matrix \(path).", unreadable: true)
    }
    let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) } }
    guard let header = lines.first, header.count >= 2 else { throw DataFileError("\(path): the first line must name the criteria.") }
    let names = Array(header.dropFirst())
    var entries: [[Double]] = []
    for (n, fields) in lines.dropFirst().enumerated() {
        guard fields.count == names.count + 1 else {
            throw DataFileError("\(path), line \(n + 2): \(fields.count) fields, expected \(names.count + 1).")
        }
        guard fields[0] == names[n] else {
            throw DataFileError("\(path), line \(n + 2): row \(fields[0]) where the header has \(names[n]) (rows must follow the header's order).")
        }
        entries.append(try fields.dropFirst().enumerated().map { k, field in
            let parts = field.split(separator: "/")
            let value = parts.count == 2 ? Double(parts[0]).flatMap { a in Double(parts[1]).map { a / $0 } } : Double(field)
            guard let value, value.isFinite else {
                throw DataFileError("\(path), line \(n + 2), column \(names[k]): '\(field)' is not a number or fraction.")
            }
            return value
        })
    }
    guard entries.count == names.count else { throw DataFileError("\(path): \(entries.count) rows for \(names.count) criteria.") }
    return try PairwiseComparisonMatrix(names: names, entries: entries)
}
