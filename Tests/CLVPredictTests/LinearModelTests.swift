import CLVNumerics
import CLVPredict
import Foundation
import Testing

/// Seeded data from a known logistic model, for consistency and property tests.
enum LinearData {
    /// `count` rows of `columns` normal features (column j scaled by j + 1 and shifted by j), label 1
    /// with probability σ(β·x + β₀) for β = (1, −0.5, 0.25, …), β₀ = −0.5.
    static func logistic(count: Int, columns: Int, seed: UInt64) throws -> LabeledData {
        var rng = Xoshiro256(seed: seed)
        var values: [Double] = [], labels: [UInt8] = []
        for _ in 0..<count {
            var z = -0.5
            for j in 0..<columns {
                let v = Double(j) + Double(j + 1) * Sampling.standardNormal(using: &rng)
                values.append(v)
                z += (j % 2 == 0 ? 1 : -0.5) / Double(j + 1) * (v - Double(j))
            }
            labels.append(rng.nextOpenUnit() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        let names = (0..<columns).map { "f\($0)" }
        return try LabeledData(features: FeatureTable(names: names, values: values), labels: labels)
    }

    /// The rows of `data` with row i repeated `copies[i]` times.
    static func repeated(_ data: LabeledData, copies: [Int]) -> LabeledData {
        data.subset(copies.indices.flatMap { [Int](repeating: $0, count: copies[$0]) })
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

@Suite("Linear models: weights, options, saved forms, Platt scaling")
struct LinearModelTests {
    @Test("Balanced class weights are n / (2·n_c), counted with sample weights")
    func balancedClassWeights() throws {
        let labels: [UInt8] = [0, 0, 0, 1]
        let plain = try ClassWeighting.balanced.classWeights(labels: labels)
        #expect(plain.negative == 4.0 / 6 && plain.positive == 2)
        let weighted = try ClassWeighting.balanced.classWeights(labels: labels, sampleWeights: [1, 2, 1, 2])
        #expect(weighted.negative == 6.0 / 8 && weighted.positive == 6.0 / 4)
        #expect(try ClassWeighting.balanced.rowWeights(labels: labels, sampleWeights: [1, 2, 1, 2]) == [0.75, 1.5, 0.75, 3])
        #expect(try ClassWeighting.explicit(negative: 1, positive: 5).rowWeights(labels: labels) == [1, 1, 1, 5])
        #expect(throws: PredictionError.self) { try ClassWeighting.explicit(negative: 0, positive: 1).rowWeights(labels: labels) }
        #expect(throws: PredictionError.singleClass) { try ClassWeighting.unweighted.rowWeights(labels: [1, 1]) }
        #expect(throws: PredictionError.self) { try ClassWeighting.unweighted.rowWeights(labels: labels, sampleWeights: [1, -1, 1, 1]) }
    }

    @Test("A constant column gets scale 1 and standardizes to 0")
    func standardizerConstantColumn() throws {
        let table = try FeatureTable(names: ["a", "b"], rows: [[1, 7], [2, 7], [4, 7]])
        let s = Standardizer(fitting: table)
        #expect(s.means == [7.0 / 3, 7] && s.scales[1] == 1)
        #expect(abs(s.scales[0] - (14.0 / 9).squareRoot()) < 1e-15)
        #expect(s.transform(table).column(1) == [0, 0, 0])
    }

    @Test("Integer sample weights fit the same model as repeated rows", arguments: [false, true])
    func sampleWeightsEqualRepeatedRows(svm: Bool) throws {
        let data = try LinearData.logistic(count: 300, columns: 4, seed: 21)
        let copies = (0..<data.count).map { $0 % 3 + ($0 % 7 == 0 ? 2 : 0) }
        let repeated = LinearData.repeated(data, copies: copies)
        let weights = copies.map(Double.init)
        if svm {
            let options = LinearSVM.Options(C: 0.5, classWeighting: .balanced, standardize: false)
            let a = try LinearSVM.fit(data, options: options, sampleWeights: weights)
            let b = try LinearSVM.fit(repeated, options: options)
            #expect(LinearData.maxDifference(a.coefficients + [a.intercept], b.coefficients + [b.intercept]) < 1e-9)
        } else {
            let options = LogisticRegression.Options(C: 2, classWeighting: .balanced)
            let a = try LogisticRegression.fit(data, options: options, sampleWeights: weights)
            let b = try LogisticRegression.fit(repeated, options: options)
            #expect(LinearData.maxDifference(a.coefficients + [a.intercept], b.coefficients + [b.intercept]) < 1e-9)
        }
    }

    @Test("Logistic fit satisfies the optimality conditions w + C Σ sᵢ(pᵢ − yᵢ)xᵢ = 0 and Σ sᵢ(pᵢ − yᵢ) = 0")
    func logisticOptimality() throws {
        let data = try LinearData.logistic(count: 2_000, columns: 6, seed: 22)
        let weights = (0..<data.count).map { 0.5 + Double($0 % 4) }
        let C = 3.0
        let model = try LogisticRegression.fit(data, options: .init(C: C, classWeighting: .explicit(negative: 1, positive: 2)),
                                               sampleWeights: weights)
        let p = model.probabilities(data.features)
        let s = (0..<data.count).map { weights[$0] * (data.labels[$0] == 1 ? 2 : 1) }
        let residual = (0..<data.count).map { s[$0] * (p[$0] - Double(data.labels[$0])) }
        let scale = C * s.reduce(0, +)
        #expect(abs(residual.reduce(0, +)) * C / scale < 1e-10)
        for j in 0..<6 {
            let g = model.coefficients[j] + C * (0..<data.count).reduce(0) { $0 + residual[$1] * data.features[$1, j] }
            #expect(abs(g) / scale < 1e-10, "feature \(j)")
        }
    }

    @Test("A standardized model scores raw rows as a raw model fitted on the standardized rows")
    func standardizationIsFoldedIn() throws {
        let data = try LinearData.logistic(count: 500, columns: 5, seed: 23)
        let model = try LogisticRegression.fit(data, options: .init(C: 0.3, standardize: true))
        let standardizer = try #require(model.standardizer)
        let scaled = try LabeledData(features: standardizer.transform(data.features), labels: data.labels)
        let reference = try LogisticRegression.fit(scaled, options: .init(C: 0.3))
        #expect(LinearData.maxDifference(model.coefficients, reference.coefficients) < 1e-10)
        #expect(LinearData.maxDifference(model.probabilities(data.features), reference.probabilities(scaled.features)) < 1e-12)
    }

    @Test("Saved logistic and SVM models read back equal; another format or version is refused")
    func savedModelsRoundTrip() throws {
        let data = try LinearData.logistic(count: 200, columns: 3, seed: 24)
        let logistic = try LogisticRegression.fit(data, options: .init(classWeighting: .explicit(negative: 1, positive: 3),
                                                                        standardize: true))
        let svm = try LinearSVM.fit(data, options: .init(C: 0.1, classWeighting: .balanced))
        let logisticJSON = try JSONEncoder().encode(logistic), svmJSON = try JSONEncoder().encode(svm)
        #expect(try JSONDecoder().decode(LogisticRegression.self, from: logisticJSON) == logistic)
        #expect(try JSONDecoder().decode(LinearSVM.self, from: svmJSON) == svm)
        #expect(throws: PredictionError.modelFile("expected a model of format 'clvkit.logistic-regression', found 'clvkit.linear-svm'")) {
            try JSONDecoder().decode(LogisticRegression.self, from: svmJSON)
        }
        let given = try LogisticRegression(featureNames: ["a", "b"], coefficients: [0.5, -2], intercept: 1)
        #expect(try JSONDecoder().decode(LogisticRegression.self, from: JSONEncoder().encode(given)) == given)
        var object = try #require(try JSONSerialization.jsonObject(with: svmJSON) as? [String: Any])
        object["version"] = 99
        #expect(throws: PredictionError.self) {
            try JSONDecoder().decode(LinearSVM.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }

    @Test("Bad options are refused with an invalidOption error")
    func refusesBadOptions() throws {
        let data = try LinearData.logistic(count: 50, columns: 2, seed: 25)
        #expect(throws: PredictionError.self) { try LogisticRegression.fit(data, options: .init(C: 0)) }
        #expect(throws: PredictionError.self) { try LogisticRegression.fit(data, options: .init(C: .infinity)) }
        #expect(throws: PredictionError.self) { try LinearSVM.fit(data, options: .init(interceptScaling: -1)) }
        #expect(throws: PredictionError.self) { try LinearSVM.fit(data, sampleWeights: [1, 2]) }
        let one = try LabeledData(features: data.features, labels: [UInt8](repeating: 0, count: data.count))
        #expect(throws: PredictionError.singleClass) { try LogisticRegression.fit(one) }
        #expect(throws: PredictionError.singleClass) { try LinearSVM.fit(one) }
    }

    @Test("Platt scaling recovers a known sigmoid from simulated labels")
    func plattRecoversKnownSigmoid() throws {
        var rng = Xoshiro256(seed: 26)
        let (A, B) = (-1.5, 0.3)
        var f: [Double] = [], labels: [UInt8] = []
        for _ in 0..<20_000 {
            let value = 2 * Sampling.standardNormal(using: &rng)
            f.append(value)
            labels.append(rng.nextOpenUnit() < 1 / (1 + exp(A * value + B)) ? 1 : 0)
        }
        let fitted = try PlattScaling.fit(decisionValues: f, labels: labels)
        // Standard errors at n = 20,000 are about 0.025 (A) and 0.02 (B); allow 4 of them.
        #expect(abs(fitted.A - A) < 0.1 && abs(fitted.B - B) < 0.08, "A \(fitted.A), B \(fitted.B)")
        // Optimality against Platt's targets: Σ (tᵢ − pᵢ) fᵢ = Σ (tᵢ − pᵢ) = 0.
        let positives = Double(labels.filter { $0 == 1 }.count), negatives = Double(labels.count) - positives
        let t = labels.map { $0 == 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2) }
        let r = f.indices.map { t[$0] - fitted.probability(f[$0]) }
        #expect(abs(r.reduce(0, +)) < 1e-8 && abs(f.indices.reduce(0) { $0 + r[$1] * f[$1] }) < 1e-8)
    }

    @Test("SVM probabilities increase with the decision value and stay inside (0, 1)")
    func svmProbabilitiesFollowDecisionValues() throws {
        let data = try LinearData.logistic(count: 1_000, columns: 4, seed: 27)
        let svm = try LinearSVM.fit(data, options: .init(C: 0.2))
        #expect(svm.calibration.A < 0)
        let f = svm.decisionValues(data.features), p = svm.probabilities(data.features)
        let order = f.indices.sorted { f[$0] < f[$1] }
        #expect(zip(order, order.dropFirst()).allSatisfy { p[$0] <= p[$1] })
        #expect(p.allSatisfy { $0 > 0 && $0 < 1 })
        // Calibrated: the mean probability is close to the share of positives.
        let share = Double(data.labels.filter { $0 == 1 }.count) / Double(data.count)
        #expect(abs(p.reduce(0, +) / Double(p.count) - share) < 0.01)
    }
}
