// `clv analyze` and the segment windows as library calls, checked against the customer histories (a second,
// order-independent engine) and the fitted-model scorer, through public API only.
import CLVKit
import Foundation
import Testing

private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/transactions.csv").path
private let readOptions = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)

/// Collects a pipeline's events (called on the test's thread).
private final class Events {
    var all: [PipelineEvent] = []
    var notes: [String] { all.compactMap { if case let .note(text) = $0 { return text } else { return nil } } }
    var reads: [String] { all.compactMap { if case let .read(label, _) = $0 { return label } else { return nil } } }
    var fits: Int { all.filter { if case .fitted = $0 { return true } else { return false } }.count }
}

@Suite("Pipelines as library calls")
struct AnalysisPipelineTests {
    static let book: CustomerBook = {
        var b = CustomerBook()
        try! b.apply(try! TransactionLogReader.transactions(path: example, options: readOptions).transactions)
        return b
    }()

    @Test("analyze: one call gives the summary, a chosen model, scores, deciles, segments and customers.csv; reports progress, prints nothing")
    func analyze() throws {
        let events = Events()
        let source = TransactionLogSource(path: example, name: "transactions.csv", options: readOptions)
        let result = try Analysis.run(source, options: AnalysisOptions(), created: "2030-01-01T00:00:00Z", progress: { events.all.append($0) })

        // The summary is the histories' summary at the same date, in weeks (another engine).
        let window = try SummaryWindow(asOf: result.lastDate, timeUnit: .week)
        let expected = Self.book.summaries(window).summaries
        #expect(result.summary.customerIDs == expected.map(\.customerID))
        #expect(result.summary.repeatPurchases.map(Int.init) == expected.map(\.frequency))
        #expect(zip(result.summary.recency, expected.map(\.recency)).allSatisfy { abs($0 - $1) <= 1e-12 })

        // A holdout (the example spans more than 180 days), three candidates, the winner refitted.
        #expect(result.calibrationEnd != nil && result.calibration != nil)
        #expect(result.outcome.selection.candidates.count == 3)
        #expect(result.modelFile.selection?.reason.hasSuffix("; refitted on all data") == true)
        #expect(result.fit.converged)

        // The saved model file scores one customer alone exactly as the batch did, decile included.
        let clv = try #require(result.lifetimeValues)
        let fitted = try FittedModel(modelFileData: try result.modelFile.encoded())
        for i in [0, 17, result.summary.count - 1] {
            let one = try fitted.score(expected[i])
            #expect(abs(one.lifetimeValue! - clv[i]) <= 1e-9 * max(1, clv[i]))
            #expect(abs(one.probabilityAlive - result.year.probabilityAlive[i]) <= 1e-12)
            #expect(one.valueDecile == result.valueDeciles[i])
        }
        #expect(Set(result.valueDeciles) == Set(1...10))
        #expect(result.segments.all.count == 4 && result.segments.all.allSatisfy { $0.assignment.count == result.summary.count })
        #expect(abs(result.headline.totalCLV - clv.reduce(0, +)) <= 1e-9 * result.headline.totalCLV)

        // customers.csv: the header, one row per customer.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-analysis-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try OutputFile(path: path)
        try result.writeCustomers(to: file)
        try file.commit()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first.map(String.init) == AnalysisResult.customerColumns.joined(separator: ","))
        #expect(lines.count == result.summary.count + 1)
        #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false).count == AnalysisResult.customerColumns.count)

        // What the caller was told: the data-quality lines and the model as notes; the reads; the fits.
        #expect(events.notes.contains { $0.hasPrefix("model: \(result.outcome.kind.rawValue), ") })
        #expect(events.notes.starts(with: result.quality.lines(.en)))
        #expect(events.reads.count == 1, "one read: the calibration split and the earlier dates are folded from its rows: \(events.reads)")
        #expect(events.fits == 2, "the refit and the lifecycle stages' MBG/NBD")
    }

    @Test("the model file places each customer alone in the RFM segment, value-matrix quadrant and ABC class of the batch")
    func frozenSegments() throws {
        let source = TransactionLogSource(path: example, name: "transactions.csv", options: readOptions)
        let result = try Analysis.run(source, options: AnalysisOptions(), created: "2030-01-01T00:00:00Z")
        let clv = try #require(result.lifetimeValues)
        let metrics = try CustomerMetrics(summary: result.summary, lifetimeValue: clv, probabilityAlive: result.year.probabilityAlive)
        let fitted = try FittedModel(modelFileData: try result.modelFile.encoded())
        let cuts = try #require(fitted.segmentCutPoints)
        #expect(cuts.abc.value == "clv" && cuts.rfm.bins == 5)
        let (rfm, matrix, abc) = (result.segments.all[0], result.segments.all[1], result.segments.all[2])
        var tiedScores = 0
        for i in 0..<metrics.count {
            let one = try #require(fitted.segments(daysSinceLastPurchase: metrics.recencyDays[i], orders: metrics.orders[i],
                                                   spend: metrics.spend[i], value: clv[i]))
            // The references are the population's own numbers: the segments agree exactly.
            #expect(one.rfmSegment == rfm.segment(of: i).key, "customer \(i)")
            #expect(one.valueMatrixSegment == matrix.segment(of: i).key, "customer \(i)")
            // Scores and classes agree, except that a value tied with a cut point takes the better one.
            let batch = [Int(result.segments.rfm.recencyScore[i]), Int(result.segments.rfm.frequencyScore[i]),
                         Int(result.segments.rfm.monetaryScore[i])]
            let alone = [one.recencyScore, one.frequencyScore, one.monetaryScore]
            let cutSets = [cuts.rfm.recencyDays, cuts.rfm.orders, cuts.rfm.monetary]
            let figures = [metrics.recencyDays[i], metrics.orders[i], min(metrics.spend[i], cuts.rfm.monetaryCap ?? .infinity)]
            for d in 0..<3 {
                if cutSets[d].contains(figures[d]) {
                    #expect(alone[d] >= batch[d])
                    if alone[d] != batch[d] { tiedScores += 1 }
                } else {
                    #expect(alone[d] == batch[d], "customer \(i), dimension \(d)")
                }
            }
            if clv[i] == cuts.abc.lowestA || clv[i] == cuts.abc.lowestB {
                #expect(one.abcClass <= abc.segment(of: i).key)
            } else {
                #expect(one.abcClass == abc.segment(of: i).key, "customer \(i)")
            }
        }
        // Orders are whole numbers, so NTILE splits many ties; some tied customers score better alone.
        #expect(tiedScores > 0)

        // Decoding validates the cut points.
        var broken = result.modelFile
        broken.segmentCutPoints?.rfm.orders.reverse()
        #expect(throws: ModelError.self) { _ = try FittedModel(modelFileData: try broken.encoded()) }
        broken = result.modelFile
        broken.segmentCutPoints?.abc.value = "margin"
        #expect(throws: ModelError.self) { _ = try FittedModel(modelFileData: try broken.encoded()) }
    }

    @Test("analyze refuses bad options before it reads anything (a usage error)")
    func badOptions() throws {
        let events = Events()
        let source = TransactionLogSource(path: "/nonexistent/never-read.csv", options: readOptions)
        for options in [AnalysisOptions(horizon: .infinite), AnalysisOptions(margin: 1.5), AnalysisOptions(penalizer: -1),
                        AnalysisOptions(calibrationEnd: CalendarDay(iso: "2025-06-01")!, observationEnd: CalendarDay(iso: "2025-01-01")!)] {
            do {
                _ = try Analysis.run(source, options: options, created: "", progress: { events.all.append($0) })
                Issue.record("accepted \(options)")
            } catch let error as ModelError {
                #expect(error.category == .usage, "\(error)")
            }
        }
        #expect(events.all.isEmpty)
    }

    @Test("segment windows: orders and spend in a window equal the differences of the histories' summaries at its ends")
    func windows() throws {
        let source = TransactionLogSource(path: example, options: readOptions)
        let inputs = try SegmentInputs(source: source, observationEnd: nil)
        let end = inputs.asOf, start = inputs.asOf.adding(days: -90)
        let window = try inputs.window(days: 90, endingAt: end)
        func byID(_ day: CalendarDay) throws -> [String: HistorySummary] {
            Dictionary(uniqueKeysWithValues: Self.book.summaries(try SummaryWindow(asOf: day)).summaries.map { ($0.customerID, $0) })
        }
        let now = try byID(end), then = try byID(start)
        var active = 0
        for (i, id) in inputs.metrics.ids.enumerated() {
            let expectedOrders = (now[id]?.orders ?? 0) - (then[id]?.orders ?? 0)
            let expectedSpend = (now[id]?.totalSpend.doubleValue ?? 0) - (then[id]?.totalSpend.doubleValue ?? 0)
            #expect(window.orders[i] == Double(expectedOrders), "\(id)")
            #expect(abs(window.spend[i] - expectedSpend) <= 1e-6, "\(id)")
            if expectedOrders > 0 { active += 1 }
        }
        #expect(active > 100)
        // A daily summary in weeks is refused: segment inputs count days.
        let (weekly, report) = try source.summarize(SummaryOptions(timeUnit: .week))
        #expect(throws: ModelError.self) { try SegmentInputs(source: source, table: weekly, report: report) }
        #expect(try SegmentInputs(source: source, table: weekly.inDays, report: report).metrics.recencyDays == inputs.metrics.recencyDays)
    }
}

@Suite("Early-warning pipelines as library calls")
struct EarlyWarningPipelineTests {
    static let rows = try! TransactionLogReader.rows(path: example, options: readOptions).0

    @Test("similar-value: per customer at the cutoff a k-NN value, a model value and the realized spend, which the histories confirm")
    func similarValue() throws {
        let dataEnd = CalendarDay(daysSinceEpoch: Self.rows.day.max()!)
        let result = try SimilarValuePrediction.run(Self.rows, dataEnd: dataEnd, options: SimilarValueOptions(horizonDays: 91, neighbours: 5))
        #expect(result.cutoff == dataEnd.adding(days: -91))
        let book = AnalysisPipelineTests.book
        let atCutoff = book.summaries(try SummaryWindow(asOf: result.cutoff)).summaries
        let later = Dictionary(uniqueKeysWithValues: book.summaries(try SummaryWindow(asOf: dataEnd)).summaries.map { ($0.customerID, $0) })
        #expect(result.customerIDs == atCutoff.map(\.customerID))
        let realized = try #require(result.realizedValue)
        for (i, s) in atCutoff.enumerated() {
            #expect(abs(realized[i] - (later[s.customerID]!.totalSpend.doubleValue - s.totalSpend.doubleValue)) <= 1e-6, "\(s.customerID)")
        }
        #expect(result.modelValue?.count == result.customerIDs.count)
        #expect(result.accuracy.map(\.name) == ["similar customers", "model"])
        #expect(result.accuracy.allSatisfy { $0.accuracy.correlation > 0.2 })
        #expect(throws: ModelError.self) { try SimilarValuePrediction.run(Self.rows, dataEnd: dataEnd, options: SimilarValueOptions(neighbours: 0)) }
    }

    @Test("deviations and alerts: each customer at most once per basis or indicator, all with a purchase before the window")
    func deviationsAndAlerts() throws {
        let end = CalendarDay(daysSinceEpoch: Self.rows.day.max()!)
        let scan = try DeviationScan.run(Self.rows, windowDays: 90, end: end, threshold: 2, minimumExpected: 0.5)
        #expect(scan.start == end.adding(days: -90))
        let before = Set(AnalysisPipelineTests.book.summaries(try SummaryWindow(asOf: scan.start)).summaries.map(\.customerID))
        #expect(scan.customers == before.count)
        #expect(!scan.deviations.isEmpty && scan.deviations.allSatisfy { before.contains($0.customer) && abs($0.zScore) >= 2 })
        for basis in [Deviation.Basis.ownHistory, .model] {
            let ids = scan.deviations.filter { $0.basis == basis }.map(\.customer)
            #expect(Set(ids).count == ids.count)
        }
        let (alerts, customers) = try AlertScan.run(Self.rows, at: end, trendDays: 90, rules: AlertRules())
        #expect(customers == AnalysisPipelineTests.book.summaries(try SummaryWindow(asOf: end)).summaries.count)
        #expect(!alerts.isEmpty)
        #expect(Set(alerts.map { "\($0.customer)|\($0.indicator.rawValue)" }).count == alerts.count)
    }
}

@Suite("Segment runs as library calls")
struct SegmentRunPipelineTests {
    /// The example's figures with MBG/NBD P(alive) and CLV (each test reads its own: the snapshots are a cache).
    static var inputs: SegmentInputs {
        var inputs = try! SegmentInputs(source: TransactionLogSource(path: example, options: readOptions), observationEnd: nil)
        try! inputs.addModelScores(.mbgnbd, lifetimeValue: LifetimeValueOptions(horizonDays: 365, annualDiscountRate: 0.1, margin: 1))
        return inputs
    }

    @Test("every method segments every customer, with as many fields per customer as columns", arguments: SegmentationMethod.allCases)
    func everyMethod(_ method: SegmentationMethod) throws {
        let inputs = Self.inputs
        var options = SegmentRunOptions()
        options.clusterCount = 4
        options.tierCompare = inputs.asOf.adding(days: -180)
        let r = try SegmentRun.run(method, inputs, options: options)
        #expect(r.method == method)
        #expect(r.segmentation.assignment.count == inputs.metrics.count)
        for i in [0, inputs.metrics.count / 2, inputs.metrics.count - 1] { #expect(r.fields(i).count == r.columns.count) }
        if method == .tiers { #expect(r.columns.contains("move") && r.notes.contains { $0.contains("upgrades") }) }
    }

    @Test("RFM's recency column is days since the last purchase; ABC by CLV puts the top 15% of customers in A")
    func rfmAndABC() throws {
        let inputs = Self.inputs
        let rfm = try SegmentRun.run(.rfm, inputs)
        let recency = try #require(rfm.columns.firstIndex(of: "recency_days"))
        let byID = Dictionary(uniqueKeysWithValues: AnalysisPipelineTests.book.summaries(try SummaryWindow(asOf: inputs.asOf)).summaries
            .map { ($0.customerID, $0) })
        for i in stride(from: 0, to: inputs.metrics.count, by: 97) {
            guard case let .number(days) = rfm.fields(i)[recency] else { Issue.record("not a number"); continue }
            #expect(days == Double(byID[inputs.metrics.ids[i]]!.daysSinceLastPurchase))
        }
        let abc = try SegmentRun.run(.abc, inputs)
        let a = abc.segmentation.assignment.filter { abc.segmentation.segments[Int($0)].key == "A" }.count
        #expect(a == Int((0.15 * Double(inputs.metrics.count)).rounded()))
    }

    @Test("an option the data cannot meet is a usage error: --compare on or after the as-of date")
    func compareAfterAsOf() throws {
        let inputs = Self.inputs
        var options = SegmentRunOptions()
        options.tierCompare = inputs.asOf
        do {
            _ = try SegmentRun.run(.tiers, inputs, options: options)
            Issue.record("accepted a comparison date on the as-of date")
        } catch let error as SegmentationError {
            #expect(error.category == .usage)
        }
    }
}

@Suite("Segment runs honour cancellation")
struct SegmentRunCancellationTests {
    @Test("a token cancelled after the features are built stops the clustering method with CancellationError",
          arguments: [SegmentationMethod.kmeans, .twoStep, .som])
    func cancelledDuringClustering(_ method: SegmentationMethod) throws {
        let inputs = SegmentRunPipelineTests.inputs
        let token = CancellationToken()
        var options = SegmentRunOptions()
        options.clusterCount = 4
        options.recordTimings = true
        options.cancellation = token
        var cancelledAfter: String?
        #expect(throws: CancellationError.self) {
            _ = try SegmentRun.run(method, inputs, options: options) { event in
                // The first phase time ("features and scaling") comes before the clustering starts.
                if case let .timing(line) = event, cancelledAfter == nil {
                    cancelledAfter = line
                    token.cancel()
                }
            }
        }
        #expect(cancelledAfter?.contains("features and scaling") == true)
    }

    @Test("a token cancelled before the run stops every method before it starts", arguments: SegmentationMethod.allCases)
    func cancelledBefore(_ method: SegmentationMethod) throws {
        let token = CancellationToken()
        token.cancel()
        var options = SegmentRunOptions()
        options.cancellation = token
        #expect(throws: CancellationError.self) { _ = try SegmentRun.run(method, SegmentRunPipelineTests.inputs, options: options) }
    }
}
