// clv-bench: micro-benchmarks of library calls that no `clv` command times on its own.
//
//     swift build -c release --product clv-bench --scratch-path .build-release
//     .build-release/release/clv-bench score [LOG]     (default Examples/transactions.csv)
//
// `score`: fits BG/NBD, MBG/NBD and Pareto/NBD (weeks) with Gamma-Gamma on the log, then times
// FittedModel.score for one customer at a time (every customer of the log in turn, 1-year horizon with
// CLV, as `clv predict` scores) against the batch scorer on the same customers, in the same run. Prints
// one JSON object per model: median nanoseconds per customer of each, over 7 repetitions.
import CLVCore
import CLVIngest
import CLVModels
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "score" else {
    FileHandle.standardError.write(Data("usage: clv-bench score [LOG]\n".utf8))
    exit(64)
}
let path = arguments.count > 1 ? arguments[1] : "Examples/transactions.csv"
let (t, _) = try TransactionLogReader.summarize(path: path, options: IngestOptions(asOf: CalendarDay(year: 2100, month: 1, day: 1)!),
                                                summary: SummaryOptions(timeUnit: .week))
let cells = try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
let spendCells = try GammaGammaModel.SpendCells(frequency: t.repeatPurchases.map(Double.init), meanValue: t.monetaryValue)
let spendReport = try GammaGammaModel.fit(spendCells).report
let options = ScoringOptions(horizon: ScoringHorizon(1, .year)!, annualDiscountRate: 0.1, margin: 1)
var sink = 0.0
for (kind, modelKind) in [(TransactionModelKind.bgnbd, ModelKind.bgnbd), (.mbgnbd, .mbgnbd), (.pnbd, .pnbd)] {
    let (_, report) = try kind.modelType.fit(cells: cells, options: FitOptions())
    let file = ModelFile(fit: .init(kind: modelKind, report: report), spendModel: .init(kind: .gg, report: spendReport), timeUnit: .week,
                         data: .init(customers: t.count, repeatCustomers: 0, distinctHistories: cells.count, frequency: "day",
                                     observationEnd: nil, calibrationEnd: nil, source: nil))
    let model = try FittedModel(file: file)
    var single: [Double] = [], batch: [Double] = []
    for _ in 0..<7 {
        var start = now()
        for i in 0..<t.count {
            let s = try model.score(frequency: Int(t.repeatPurchases[i]), recency: t.recency[i], T: t.age[i],
                                    monetaryValue: t.monetaryValue[i], timeUnit: .week, options: options)
            sink += s.lifetimeValue ?? 0
        }
        single.append((now() - start) / Double(t.count) * 1e9)
        start = now()
        let b = try model.score(customerIDs: t.customerIDs, frequency: t.repeatPurchases, recency: t.recency, T: t.age,
                                monetaryValue: t.monetaryValue, options: options)
        sink += b.lifetimeValue?[0] ?? 0
        batch.append((now() - start) / Double(t.count) * 1e9)
    }
    print("{\"model\":\"\(modelKind.rawValue)\",\"customers\":\(t.count),\"single_ns\":\(median(single)),\"batch_ns_per_customer\":\(median(batch))}")
}
if sink.isNaN { print("") }
