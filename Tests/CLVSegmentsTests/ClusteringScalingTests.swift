import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

@Suite("Feature matrix and scaling")
struct ClusteringScalingTests {
    /// A right-skewed spend column and a symmetric one.
    static let data = try! FeatureMatrix(columns: [[10, 12, 15, 20, 25, 400], [-1, 0, 1, -2, 2, 0]], names: ["monetary", "trend"])

    @Test("skewness is Fisher–Pearson g₁ = m₃/m₂^{3/2}: by hand 1/√2 for 0, 0, 3, below the log threshold")
    func skewnessByHand() throws {
        // Values 0, 0, 3: mean 1, deviations −1, −1, 2; m₂ = 6/3 = 2, m₃ = (−1 − 1 + 8)/3 = 2, g₁ = 2/2^{1.5} = 1/√2.
        let scaling = try FeatureScaling.fit(try FeatureMatrix(rows: [[0], [0], [3]]))
        #expect(isClose(scaling.columns[0].rawSkewness, 1 / 2.0.squareRoot(), relative: 1e-15))
        #expect(!scaling.columns[0].isLogTransformed, "skewness 0.71 is below the threshold 1")
    }

    @Test("automatic log1p for the skewed non-negative column only; then mean 0 and population standard deviation 1")
    func automaticLog() throws {
        let scaling = try FeatureScaling.fit(Self.data)
        #expect(scaling.columns.map(\.isLogTransformed) == [true, false])
        #expect(scaling.columns[0].rawSkewness > 1)
        let z = try scaling.transform(Self.data)
        for f in 0..<2 {
            let column = z.column(f)
            let mean = column.reduce(0, +) / 6
            #expect(abs(mean) < 1e-15)
            #expect(isClose(column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 6, 1, relative: 1e-14))
        }
        // Row 0 of the log column by hand.
        let logs = [10.0, 12, 15, 20, 25, 400].map { Foundation.log1p($0) }
        let m = logs.reduce(0, +) / 6, sd = (logs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 6).squareRoot()
        #expect(isClose(z[0, 0], (Foundation.log1p(10) - m) / sd, relative: 1e-14))
    }

    @Test("standardized rows map back to original units")
    func roundTrip() throws {
        let scaling = try FeatureScaling.fit(Self.data, logTransforms: [.always, .never])
        let back = try scaling.originalUnits(try scaling.transform(Self.data))
        for (a, b) in zip(back.values, Self.data.values) { #expect(isClose(a, b, relative: 1e-12, absolute: 1e-12)) }
    }

    @Test("choices: never, forced, forced on a negative column, and a constant column")
    func choices() throws {
        #expect(try FeatureScaling.fit(Self.data, logTransforms: [.never]).columns.allSatisfy { !$0.isLogTransformed })
        #expect(throws: ClusteringError.negativeValuesForLog(column: "trend", minimum: -2)) {
            try FeatureScaling.fit(Self.data, logTransforms: [.always])
        }
        let constant = try FeatureScaling.fit(try FeatureMatrix(rows: [[5], [5], [5]]))
        #expect(constant.columns[0].scale == 1)
        #expect(try constant.transform(try FeatureMatrix(rows: [[5], [7]])).values == [0, 2])
    }

    @Test("matrix construction checks shapes, and rows, columns and selections agree")
    func matrixShape() throws {
        #expect(throws: ClusteringError.self) { try FeatureMatrix(rows: [[1, 2], [3]]) }
        #expect(throws: ClusteringError.self) { try FeatureMatrix(rowCount: 2, columnNames: ["a"], values: [1]) }
        #expect(throws: ClusteringError.self) { try FeatureMatrix(columns: [[1, 2], [3]], names: ["a", "b"]) }
        let m = try FeatureMatrix(columns: [[1, 2, 3], [4, 5, 6]], names: ["a", "b"])
        #expect(m.values == [1, 4, 2, 5, 3, 6])
        #expect(m.row(1) == [2, 5])
        #expect(m.column(1) == [4, 5, 6])
        #expect(m.selecting(rows: [2, 0]).values == [3, 6, 1, 4])
        #expect(throws: ClusteringError.emptyData) { try FeatureMatrix(rows: []).validate() }
    }
}
