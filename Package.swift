// swift-tools-version:6.1
//
// CLVKit: customer-lifetime-value and customer-lifecycle analytics.
//
// Module layout (dependencies point downward; see README.md):
//   _CLVUtilities  package-internal: the unchecked-Sendable wrappers, deterministic chunking, JSON coders
//   CLVCore        plain value types: CalendarDay, TimeUnit, PeriodFrequency, CustomerSummary
//   CLVNumerics    random numbers and samplers (later: special functions, optimizers)
//   CLVIntrinsics  C header of CPU hints Swift cannot spell (cache prefetch); no code of its own
//   CLVHistory     CustomerHistory (apply, merge, summary at any as-of date), CustomerBook; exact in any order
//   CLVIngest      transaction-log reading (CSV/TSV/whitespace, UTF-8/GBK), cleaning, RFM summaries
//   CLVIO          writing results: atomic output files, byte formatting, SHA-256, the summary table writers
//   CLVSimulation  seeded synthetic transaction logs (BG/NBD + Gamma-Gamma)
//   CLVModels      buy-till-you-die models (BG/NBD, …), Gamma-Gamma spend, fitting, predictions
//   CLVSegments    segmentation: RFM scores and segments, value matrix, ABC, tiers, lifecycle stages,
//                  clustering (K-Means, two-step, SOM), composite index scoring; actions in English and Chinese
//   CLVPredict     churn / next-purchase classifiers, their evaluation metrics, model files
//   CLVAnalysis    the pipelines the CLI, the store and the server share: analyze, validation, segment inputs and
//                  windows, churn evaluation, training and scoring
//   CLVReport      the HTML report and its SVG charts, in English and Chinese
//   CLVExcel       .xlsx workbooks: a streaming sheet reader (to CSV for the ingest path) and a minimal writer;
//                  the only module that depends on ZIPFoundation
//   CLVStore       the store protocol (CustomerDataStore), its request/outcome types and StoreError; no database
//   CLVStoreSQLite the embedded store: one SQLite file through GRDB (WAL, foreign keys, migrations); the only
//                  module that depends on GRDB
//   CLVStorePostgres the store for teams: the same schema and operations in PostgreSQL through postgres-nio (COPY
//                  in, set-based merges); the only module that depends on postgres-nio
//   CLVKit         umbrella re-exporting the library modules
//   CLVKitCLI      the `clv` executable: argument parsing and wiring only
//   CLVBenchmarks  `clv-bench`: micro-benchmarks of library calls (Scripts/bench/score_benchmark.py)
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
// Every module keeps overflow traps, preconditions and exclusivity checks in release. The few loops where a
// measurement said the checks cost (valgrind instruction counts, checked ÷ unchecked) opt out in code, as named
// kernels: ingest's per-row state is `@exclusivity(unchecked)` and its scanning and formatting kernels use
// wrapping arithmetic; the churn learners' inner loops (logistic second order, dense layers, tree split scan) and
// the K-Means distances read unsafe buffers with wrapping index arithmetic. What is left costs 1.01–1.10 (ingest
// 1.033); see BENCHMARKS.md "checked-builds". `fast` is only for that A/B.
let fast: [SwiftSetting] = strict + [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]
// Modules checked in release; with CLVKIT_UNCHECKED_EVERYWHERE set they get the unchecked flags as well, for the
// A/B of Scripts/bench/checked_builds.py.
let checked: [SwiftSetting] = Context.environment["CLVKIT_UNCHECKED_EVERYWHERE"] != nil ? fast : strict

let package = Package(
    name: "CLVKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CLVKit", targets: ["CLVKit"]),
        .executable(name: "clv", targets: ["CLVKitCLI"]),
        .executable(name: "clv-bench", targets: ["CLVBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CLVCore", swiftSettings: strict),
        .target(name: "_CLVUtilities", swiftSettings: strict),
        .target(name: "CLVNumerics", dependencies: ["_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVIntrinsics"),
        .target(name: "CLVHistory", dependencies: ["CLVCore"], swiftSettings: strict),
        .target(name: "CLVIngest", dependencies: ["CLVCore", "CLVHistory", "CLVIntrinsics", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVIO", dependencies: ["CLVCore", "CLVIngest", "CLVIntrinsics", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVSimulation", dependencies: ["CLVCore", "CLVNumerics", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVModels", dependencies: ["CLVCore", "CLVHistory", "CLVNumerics", "CLVSegments", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVSegments", dependencies: ["CLVCore", "CLVNumerics", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVPredict", dependencies: ["CLVCore", "CLVNumerics", "CLVModels", "_CLVUtilities"], swiftSettings: checked),
        .target(name: "CLVAnalysis", dependencies: ["CLVCore", "CLVIngest", "CLVIO", "CLVModels", "CLVNumerics", "CLVPredict", "CLVSegments", "CLVReport",
                                                    "_CLVUtilities"],
                swiftSettings: strict),
        .target(name: "CLVReport", dependencies: ["CLVCore"], swiftSettings: strict),
        .target(name: "CLVExcel", dependencies: ["CLVCore", "CLVIngest", "CLVIO", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                swiftSettings: strict),
        .target(name: "CLVStore", dependencies: ["CLVCore", "CLVHistory", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
        .target(name: "CLVStoreSQLite", dependencies: ["CLVCore", "CLVHistory", "CLVStore", .product(name: "GRDB", package: "GRDB.swift"),
                                                       .product(name: "GRDBSQLite", package: "GRDB.swift")],
                swiftSettings: strict),
        .target(name: "CLVStorePostgres", dependencies: ["CLVCore", "CLVHistory", "CLVStore", .product(name: "PostgresNIO", package: "postgres-nio")],
                swiftSettings: strict),
        .target(name: "CLVKit", dependencies: ["CLVCore", "CLVNumerics", "CLVHistory", "CLVIngest", "CLVIO", "CLVAnalysis", "CLVSimulation", "CLVModels", "CLVSegments",
                                               "CLVPredict", "CLVReport"],
                swiftSettings: strict),
        .executableTarget(
            name: "CLVKitCLI",
            dependencies: ["CLVKit", "CLVExcel", "CLVStore", "CLVStoreSQLite", "CLVStorePostgres", "_CLVUtilities", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .executableTarget(name: "CLVBenchmarks", dependencies: ["CLVCore", "CLVIngest", "CLVModels", "CLVSegments"], swiftSettings: strict),
        .target(name: "_CLVTestSupport", dependencies: ["CLVCore", "CLVNumerics"], swiftSettings: strict),

        .testTarget(name: "CLVCoreTests", dependencies: ["CLVCore"], swiftSettings: strict),
        .testTarget(name: "CLVHistoryTests", dependencies: ["CLVHistory", "_CLVTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLVIngestTests", dependencies: ["CLVIngest", "CLVIO", "CLVHistory", "CLVNumerics", "_CLVTestSupport"],
                    resources: [.copy("Golden"), .copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "CLVIOTests", dependencies: ["CLVIO", "CLVIngest", "CLVCore", "CLVNumerics", "_CLVTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLVNumericsTests", dependencies: ["CLVNumerics", "_CLVTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLVModelsTests", dependencies: ["CLVModels", "CLVSimulation", "CLVIngest", "_CLVTestSupport"],
                    resources: [.copy("Golden")], swiftSettings: strict),
        .testTarget(name: "CLVSegmentsTests", dependencies: ["CLVSegments", "CLVNumerics", "_CLVTestSupport"],
                    resources: [.copy("Golden")], swiftSettings: strict),
        .testTarget(name: "CLVPredictTests", dependencies: ["CLVPredict", "CLVModels", "CLVNumerics", "_CLVTestSupport"],
                    resources: [.copy("Golden")], swiftSettings: strict),
        .testTarget(name: "CLVReportTests", dependencies: ["CLVReport", "CLVCore", "_CLVTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLVSimulationTests", dependencies: ["CLVSimulation", "CLVIngest", "_CLVTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CLVExcelTests", dependencies: ["CLVExcel", "_CLVTestSupport",
                                                         .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "CLVAnalysisTests", dependencies: ["CLVAnalysis", "CLVModels", "CLVIngest", "CLVCore"], swiftSettings: strict),
        .testTarget(name: "CLVStoreTests", dependencies: ["CLVStore", "CLVStoreSQLite", "CLVStorePostgres", "CLVHistory", "CLVCore", "_CLVTestSupport",
                                                         .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        .testTarget(name: "CLVKitLibraryTests", dependencies: ["CLVKit"], swiftSettings: strict),
        .testTarget(name: "CLVKitCLITests", dependencies: ["CLVKit", "_CLVTestSupport"], swiftSettings: strict),
    ]
)
