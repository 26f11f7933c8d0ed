import CLVNumerics
import CLVPredict
import Testing

/// y = 1 when 2·x0 − x1 + noise > 0; x2 is pure noise.
func linearData(_ n: Int, seed: UInt64 = 2) throws -> LabeledData {
    var rng = Xoshiro256(seed: seed)
    var values: [Double] = [], labels: [UInt8] = []
    for _ in 0..<n {
        let x = (0..<3).map { _ in Sampling.standardNormal(using: &rng) }
        values += x
        labels.append(2 * x[0] - x[1] + 0.5 * Sampling.standardNormal(using: &rng) > 0 ? 1 : 0)
    }
    return try LabeledData(features: FeatureTable(names: ["signal", "counter", "noise"], values: values), labels: labels)
}

@Suite("Validation")
struct ValidationTests {
    @Test func stratifiedFoldsPartitionAndBalance() throws {
        let labels: [UInt8] = (0..<103).map { $0 % 4 == 0 ? 1 : 0 }
        let folds = try CrossValidation.stratifiedFolds(labels: labels, folds: 5, seed: 1)
        #expect(folds.flatMap(\.test).sorted() == Array(0..<103))
        for f in folds {
            #expect(Set(f.train).isDisjoint(with: f.test) && f.train.count + f.test.count == 103)
            let positives = f.test.filter { labels[$0] == 1 }.count
            #expect((5...6).contains(positives), "26 positives over 5 folds")
        }
        #expect(try CrossValidation.stratifiedFolds(labels: labels, folds: 5, seed: 1).map(\.test) == folds.map(\.test))
    }

    @Test func permutationImportanceRanksTheSignal() throws {
        let data = try linearData(3000)
        let model = try LogisticRegression.fit(data)
        let importance = try PermutationImportance.compute(model, on: data, repeats: 3, seed: 7)
        #expect(importance.map(\.feature) == ["signal", "counter", "noise"])
        #expect(importance[0].meanDrop > 0.2 && abs(importance[2].meanDrop) < 0.01)
        let aucs = try CrossValidation.foldAUCs(data, folds: 4, seed: 3) { try LogisticRegression.fit($0) }
        #expect(aucs.count == 4 && aucs.allSatisfy { $0 > 0.9 })
    }
}
