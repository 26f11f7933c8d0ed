// clv-bench: micro-benchmarks of library calls that no `clv` command times on its own.
//
//     swift build -c release --product clv-bench --scratch-path .build-release
//     .build-release/release/clv-bench score [LOG]     (default Examples/transactions.csv)
//
// `score`: fits BG/NBD, MBG/NBD and Pareto/NBD (weeks) with Gamma-Gamma on the log, then times
// FittedModel.score for one customer at a time (every customer of the log in turn, 1-year horizon with
// CLV, as `clv predict` scores) against the batch scorer on the same customers, in the same run. Prints
// one JSON object per model: median nanoseconds per customer of each, over 7 repetitions.
//
//     clv-bench kmeans FEATURES CENTRES MAX_ITER TOL RUNS
//     clv-bench kmeans-default FEATURES K SEED RUNS
//
// `kmeans`: Lloyd's algorithm (`KMeans.lloyd`) from the given centres, as scikit-learn's
// `KMeans(init=centres, n_init=1, algorithm="lloyd", max_iter=…, tol=…)`. `kmeans-default`: `KMeans(clusterCount: K)`
// with the restarts `clv segment --method kmeans` uses (3 on a 50k sample above 200k rows, else 10). FEATURES and
// CENTRES are little-endian: two Int64 (rows, columns), then the Float64 values row by row
// (Scripts/bench/kmeans_benchmark.py writes them). Prints one JSON object: every run's seconds, iterations, inertia.
import CLVCore
import CLVIngest
import CLVModels
import CLVSegments
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

let arguments = Array(CommandLine.arguments.dropFirst())

/// Reads a matrix written by kmeans_benchmark.py.
func readMatrix(_ path: String) throws -> FeatureMatrix {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count >= 16 else { throw CocoaError(.fileReadCorruptFile) }
    let header = data.prefix(16).withUnsafeBytes { (b: UnsafeRawBufferPointer) in
        (Int(Int64(littleEndian: b.loadUnaligned(fromByteOffset: 0, as: Int64.self))),
         Int(Int64(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
    }
    let (rows, columns) = header
    guard rows > 0, columns > 0, data.count == 16 + rows * columns * 8 else { throw CocoaError(.fileReadCorruptFile) }
    let values = data.dropFirst(16).withUnsafeBytes { (b: UnsafeRawBufferPointer) in
        (0..<(rows * columns)).map { Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
    return try FeatureMatrix(rowCount: rows, columnNames: (0..<columns).map { "x\($0)" }, values: values)
}

func printRuns(_ label: String, _ runs: [(seconds: Double, result: KMeansResult)]) {
    let seconds = runs.map { String($0.seconds) }.joined(separator: ",")
    let last = runs.last!.result
    print("{\"run\":\"\(label)\",\"seconds\":[\(seconds)],\"iterations\":\(last.iterations),\"inertia\":\(last.inertia),"
          + "\"sizes\":[\(last.clusterSizes.map(String.init).joined(separator: ","))]}")
}

if arguments.first == "kmeans", arguments.count == 6 {
    let data = try readMatrix(arguments[1]), centres = try readMatrix(arguments[2])
    let maxIterations = Int(arguments[3])!, tolerance = Double(arguments[4])!, runs = Int(arguments[5])!
    var results: [(seconds: Double, result: KMeansResult)] = []
    for _ in 0..<runs {
        let start = now()
        let r = try KMeans.lloyd(data, initialCentres: centres, maxIterations: maxIterations, tolerance: tolerance)
        results.append((now() - start, r))
    }
    printRuns("lloyd", results)
    exit(0)
}
if arguments.first == "kmeans-default", arguments.count == 5 {
    let data = try readMatrix(arguments[1])
    let k = Int(arguments[2])!, seed = UInt64(arguments[3])!, runs = Int(arguments[4])!
    let kmeans = KMeans(clusterCount: k, restarts: data.rowCount > 200_000 ? 3 : 10, seed: seed)
    var results: [(seconds: Double, result: KMeansResult)] = []
    for _ in 0..<runs {
        let start = now()
        let r = try kmeans.fit(data)
        results.append((now() - start, r))
    }
    printRuns("default", results)
    exit(0)
}
guard arguments.first == "score" else {
    FileHandle.standardError.write(Data("usage: clv-bench score [LOG] | kmeans FEATURES CENTRES MAX_ITER TOL RUNS | kmeans-default FEATURES K SEED RUNS\n".utf8))
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
