// The library does the whole job without the CLI: summarise, fit, score, segment and evaluate churn,
// calling only public API (`import CLVKit`, no @testable import, no test helpers).
import CLVKit
import Foundation
import Testing

private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/transactions.csv").path

@Suite("The library, without the CLI")
struct LibraryWithoutCLITests {
    static let batch = try! TransactionLogReader.transactions(path: example, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!))
    static let book: CustomerBook = {
        var b = CustomerBook()
        try! b.apply(batch.transactions)
        return b
    }()
    static var lastDay: CalendarDay { batch.report.lastDate! }

    @Test("summarise, fit BG/NBD and Gamma-Gamma on a calibration window, check the holdout, score one customer alone")
    func summariseFitScore() throws {
        let calibrationEnd = Self.lastDay.adding(days: -180)
        let window = try SummaryWindow(asOf: Self.lastDay, calibrationEnd: calibrationEnd, timeUnit: .week)
        let calibration = Self.book.summaries(window).summaries
        #expect(calibration.count > 1000)
        let cells = try RFMCells(frequency: calibration.map { Double($0.frequency) }, recency: calibration.map(\.recency),
                                 age: calibration.map(\.T))
        let (model, report) = try BGNBDModel.fit(cells)
        #expect(report.converged)
        let holdout = try HoldoutValidation(model: model, frequency: calibration.map { Int32($0.frequency) },
                                            recency: calibration.map(\.recency), age: calibration.map(\.T),
                                            holdoutFrequency: calibration.map { Int32($0.holdout!.frequency) },
                                            holdoutLength: window.holdoutDuration!)
        #expect(holdout.actualTotal > 100)
        #expect(holdout.predictedTotal / holdout.actualTotal > 0.7 && holdout.predictedTotal / holdout.actualTotal < 1.4,
                "predicted \(holdout.predictedTotal), actual \(holdout.actualTotal)")

        // Refit on everything, with a spend model, and score through the fitted-model value.
        let all = Self.book.summaries(try SummaryWindow(asOf: Self.lastDay, timeUnit: .week)).summaries
        let allCells = try RFMCells(frequency: all.map { Double($0.frequency) }, recency: all.map(\.recency), age: all.map(\.T))
        let (_, fit) = try BGNBDModel.fit(allCells)
        let spend = SpendModelFit(try GammaGammaModel.SpendCells(frequency: all.map { Double($0.frequency) }, meanValue: all.map(\.monetaryValue)))
        let spendReport = try #require(spend.report, "\(spend.note ?? "")")
        let file = ModelFile(fit: .init(kind: .bgnbd, report: fit), spendModel: .init(kind: .gg, report: spendReport), timeUnit: .week,
                             data: .init(customers: all.count, repeatCustomers: all.filter { $0.frequency > 0 }.count,
                                         distinctHistories: allCells.count, frequency: "day", observationEnd: Self.lastDay.description,
                                         calibrationEnd: nil, source: "Examples/transactions.csv"))
        var fitted = try FittedModel(modelFileData: file.encoded())
        let batchScores = try fitted.score(all)
        fitted.freezeValueCutPoints(batchScores.lifetimeValue!)
        let one = try fitted.score(all[0])
        #expect(abs(one.lifetimeValue! - batchScores.lifetimeValue![0]) <= 1e-9 * max(1, batchScores.lifetimeValue![0]))
        #expect(one.valueDecile != nil)
        #expect(one.probabilityAlive > 0 && one.probabilityAlive <= 1)
    }

    @Test("model validation (clv validate as a library call): holdout comparison and tracking curve for two models")
    func validate() throws {
        var summary = SummaryOptions(timeUnit: .week, calibrationEnd: Self.lastDay.adding(days: -180))
        summary.trackRepeatPurchases = true
        let (table, _) = try TransactionLogReader.summarize(path: example, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!),
                                                            summary: summary)
        let result = try ModelValidation.run(table, models: [.bgnbd, .pnbd])
        #expect(result.models.map(\.kind) == [.bgnbd, .pnbd])
        #expect(result.customers == table.count)
        let actual = try #require(result.actualCumulative.last)
        for m in result.models {
            #expect(m.fit.converged)
            #expect(m.predictedCumulative.count == result.actualCumulative.count)
            let predicted = try #require(m.predictedCumulative.last)
            #expect(abs(predicted / actual - 1) < 0.25, "\(m.kind): predicted \(predicted), actual \(actual)")
        }
        // Without a holdout it refuses, saying why.
        let (plain, _) = try TransactionLogReader.summarize(path: example, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!))
        #expect(throws: ModelError.self) { try ModelValidation.run(plain, models: [.bgnbd]) }
    }

    @Test("RFM segments from history summaries: the counts `clv segment --method rfm --summary` prints in the README")
    func segment() throws {
        let daily = Self.book.summaries(try SummaryWindow(asOf: Self.lastDay)).summaries
        let metrics = try CustomerMetrics(ids: daily.map(\.customerID), recencyDays: daily.map { Double($0.daysSinceLastPurchase) },
                                          orders: daily.map { Double($0.orders) }, spend: daily.map(\.totalSpend.doubleValue),
                                          tenureDays: daily.map(\.T))
        let rfm = try RFMSegmentation.segment(metrics)
        let sizes = Dictionary(uniqueKeysWithValues: zip(rfm.segmentation.segments.map(\.key), rfm.segmentation.sizes))
        // README, "Segment customers": important_value 341, general_win_back 1128 (of 2000).
        #expect(sizes["important_value"] == 341)
        #expect(sizes["general_win_back"] == 1128)
        #expect(rfm.segmentation.segments.first { $0.key == "important_value" }?.name.chinese == "重要价值客户")
    }

    @Test("churn features at two cutoffs, a logistic model trained on the earlier, evaluated on the later")
    func churn() throws {
        let (rows, report) = try TransactionLogReader.rows(path: example, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!))
        let end = report.lastDate!
        let builder = FeatureBuilder(rows: rows, dataEnd: end, options: FeatureOptions(horizonDays: 90), modelScores: .mbgnbd)
        let training = try FeatureBuilder.stack([try builder.set(at: end.adding(days: -180))])
        let testSet = try builder.set(at: end.adding(days: -90))
        let test = try LabeledData(features: FeatureBuilder.align(testSet.features, to: training.features.names), labels: testSet.labels!)
        let classifier = try ClassifierKind.logistic.train(training, seed: 1, balanced: false)
        let evaluation = try ClassifierEvaluation(classifier, on: test)
        #expect(evaluation.rocAUC > 0.65, "ROC AUC \(evaluation.rocAUC)")
        let saved = try ChurnModel.decode(ChurnModel(header: .init(classifier: .logistic, target: .churn, horizonDays: 90, trendDays: 90,
                                                                  maxChannels: 5, modelScores: "mbgnbd", features: training.features.names,
                                                                  trainingCutoffs: [end.adding(days: -180).description],
                                                                  trainingRows: training.labels.count,
                                                                  trainingPositives: training.labels.filter { $0 == 1 }.count),
                                                     classifier: classifier).encoded(), name: "churn.json")
        #expect(saved.classifier.probabilities(test.features) == classifier.probabilities(test.features))

        // The whole comparison of `clv churn evaluate`, as one call, with the P(alive) baseline.
        var notes: [String] = []
        let comparison = try ChurnEvaluation.run(
            rows: rows, dataEnd: end,
            options: ChurnEvaluationOptions(cutoff: end.adding(days: -90), features: FeatureOptions(horizonDays: 90), classifiers: [.logistic, .tree])) {
                if case .note(let text) = $0 { notes.append(text) }
            }
        #expect(comparison.models.map(\.name) == ["logistic", "tree", "p_alive_baseline"])
        #expect(comparison.testRows == test.count)
        #expect(comparison.models.allSatisfy { $0.rocAUC > 0.6 }, "\(comparison.models.map(\.rocAUC))")
        #expect(notes.first?.hasPrefix("training: ") == true && notes.count == 3)

        // `clv churn train` as one call: the model and the header that rebuilds its features.
        let trained = try ChurnTraining.run(rows: rows, dataEnd: end, cutoffs: [end.adding(days: -180)], features: FeatureOptions(horizonDays: 90),
                                            modelScores: .mbgnbd, classifier: .logistic)
        #expect(trained.header.features == training.features.names)
        #expect(trained.header.trainingRows == training.count)
        #expect(trained.classifier.probabilities(test.features) == classifier.probabilities(test.features))

        // `clv churn predict` as one call: the same probabilities as the classifier on the test features.
        let scores = try ChurnScoring.run(trained, rows: rows, at: end.adding(days: -90))
        #expect(scores.customerIDs == testSet.customerIDs)
        #expect(scores.probabilities == classifier.probabilities(test.features))
        #expect(Set(scores.riskDeciles) == Set(1...10))
    }
}
