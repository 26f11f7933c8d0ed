import Foundation

extension FittedTree {
    /// The tree as one readable rule per leaf, leaves in preorder (left branches first):
    /// `if recency_days > 120.5 and orders ≤ 1.5 then churn 0.83 (n = 1,204)`.
    ///
    /// Conditions on the same feature along a path are merged into the tightest bounds and listed in
    /// the order the path first tests them. The number is the leaf value with two decimals, `n` the
    /// training rows in the leaf. A tree that is a single leaf gives `always churn 0.41 (n = 400)`.
    ///
    /// - Parameters:
    ///   - featureNames: Names of the feature columns, in training order.
    ///   - outcome: The word for label 1.
    /// - Precondition: `featureNames` covers every feature the tree splits on.
    public func rules(featureNames: [String], outcome: String = "churn") -> [String] {
        var lines: [String] = []
        var bounds: [(feature: Int, above: Double?, atMost: Double?)] = []

        func slot(for f: Int) -> Int {
            if let k = bounds.firstIndex(where: { $0.feature == f }) { return k }
            bounds.append((f, nil, nil))
            return bounds.count - 1
        }

        func visit(_ node: Int) {
            guard feature[node] >= 0 else {
                let conditions = bounds.flatMap { bound -> [String] in
                    let name = featureNames[bound.feature]
                    return [bound.above.map { "\(name) > \(Self.readable($0))" },
                            bound.atMost.map { "\(name) ≤ \(Self.readable($0))" }].compactMap { $0 }
                }
                let outcomeText = "\(outcome) \(String(format: "%.2f", value[node])) (n = \(Self.grouped(sampleCount[node])))"
                lines.append(conditions.isEmpty ? "always \(outcomeText)"
                                                : "if \(conditions.joined(separator: " and ")) then \(outcomeText)")
                return
            }
            let saved = bounds
            let f = feature[node], t = threshold[node]
            let k = slot(for: f)
            bounds[k].atMost = min(bounds[k].atMost ?? .infinity, t)
            visit(left[node])
            bounds = saved
            let j = slot(for: f)
            bounds[j].above = max(bounds[j].above ?? -.infinity, t)
            visit(right[node])
            bounds = saved
        }
        visit(0)
        return lines
    }

    /// A threshold as its shortest exact decimal when that is short (`120.5`, `2`), else six digits.
    static func readable(_ x: Double) -> String {
        let exact = x.description
        if exact.count <= 12, !exact.contains("e") {
            return exact.hasSuffix(".0") ? String(exact.dropLast(2)) : exact
        }
        return String(format: "%.6g", x)
    }

    /// An integer with thousands separators: 1,204.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}

extension DecisionTree {
    /// The tree as readable rules (see ``FittedTree/rules(featureNames:outcome:)``), with the training
    /// column names unless others are given.
    public func rules(featureNames: [String]? = nil, outcome: String = "churn") -> [String] {
        parameters.tree.rules(featureNames: featureNames ?? parameters.featureNames, outcome: outcome)
    }
}
