import CLVCore
import CLVNumerics
import Foundation

/// A Kohonen self-organizing map trained online, one row at a time, as MiniSom 2.3.6's `train`.
///
/// Units sit on a `rows × columns` grid (MiniSom's x × y) and unit (i, j) has weight vector
/// `weights[(i·columns + j)·dimension ..< …]`. At step t the winner c is the unit nearest to the row
/// x (the first on ties), and every unit moves by
/// `w ← w + η(t)·h(c, σ(t))·(x − w)`, with η and σ decayed by the chosen schedules
/// (t counts steps, or epochs when `useEpochs`) and h the neighbourhood function on grid coordinates.
/// Rows are visited in order (MiniSom's default `random_order=False`): step t uses row t mod n.
///
/// > Kohonen, T. (1982). Self-organized formation of topologically correct feature maps.
/// > *Biological Cybernetics* 43, 59–69.
public struct SelfOrganizingMap: Sendable, Hashable {
    /// Grid layout.
    public enum Topology: String, Sendable, Hashable, Codable, CaseIterable {
        /// Units on integer coordinates (i, j).
        case rectangular
        /// Alternate grid lines shifted by ½ and lines √3/2 apart (MiniSom's hexagonal layout).
        case hexagonal
    }

    /// The neighbourhood function h(c, σ) of a unit at grid distance (dx, dy) from the winner.
    public enum Neighborhood: String, Sendable, Hashable, Codable, CaseIterable {
        /// exp(−dx²/2σ²)·exp(−dy²/2σ²).
        case gaussian
        /// exp(−r²/2σ²)·(1 − r²/σ²), r² = dx² + dy².
        case mexicanHat
        /// 1 when |dx| < σ and |dy| < σ (on grid indices), else 0.
        case bubble
        /// max(0, σ − |dx|)·max(0, σ − |dy|) (on grid indices).
        case triangle
    }

    /// Learning-rate schedule η(t) for T = iterations (MiniSom's `decay_function`).
    public enum LearningRateDecay: String, Sendable, Hashable, Codable, CaseIterable {
        /// η₀ / (1 + 2t/T).
        case asymptotic
        /// η₀·C / (C + t), C = T/100.
        case inverseToZero
        /// η₀·(1 − t/T).
        case linearToZero
    }

    /// Neighbourhood-radius schedule σ(t) (MiniSom's `sigma_decay_function`).
    public enum SigmaDecay: String, Sendable, Hashable, Codable, CaseIterable {
        /// σ₀ / (1 + 2t/T).
        case asymptotic
        /// σ₀ / (1 + t(σ₀ − 1)/T).
        case inverseToOne
        /// σ₀ + t(1 − σ₀)/T.
        case linearToOne
    }

    /// Training settings.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Initial neighbourhood radius σ₀ (in grid units).
        public var sigma: Double
        /// Initial learning rate η₀.
        public var learningRate: Double
        /// How η decays.
        public var learningRateDecay: LearningRateDecay
        /// How σ decays.
        public var sigmaDecay: SigmaDecay
        /// The neighbourhood function.
        public var neighborhood: Neighborhood
        /// The grid layout.
        public var topology: Topology

        /// Settings; the defaults are MiniSom's (σ₀ = 1, η₀ = 0.5, asymptotic decay, Gaussian, rectangular).
        /// The map's initializer checks them.
        public init(sigma: Double = 1, learningRate: Double = 0.5, learningRateDecay: LearningRateDecay = .asymptotic,
                    sigmaDecay: SigmaDecay = .asymptotic, neighborhood: Neighborhood = .gaussian, topology: Topology = .rectangular) {
            self.sigma = sigma
            self.learningRate = learningRate
            self.learningRateDecay = learningRateDecay
            self.sigmaDecay = sigmaDecay
            self.neighborhood = neighborhood
            self.topology = topology
        }
    }

    /// Grid rows (MiniSom's x).
    public let rows: Int
    /// Grid columns (MiniSom's y).
    public let columns: Int
    /// Length of a weight vector (number of features).
    public let dimension: Int
    /// Training settings.
    public var parameters: Parameters
    /// Unit weights, unit after unit in row-major grid order.
    public private(set) var weights: [Double]

    /// A map with the given initial weights (`rows × columns × dimension` values, row-major).
    ///
    /// - Throws: ``ClusteringError`` when the grid is empty, the weights do not fill it or are not
    ///   finite, or σ₀ or η₀ is not positive.
    public init(rows: Int, columns: Int, dimension: Int, initialWeights: [Double], parameters: Parameters = Parameters()) throws {
        try ClusteringError.require(rows >= 1, "rows", Double(rows), "≥ 1")
        try ClusteringError.require(columns >= 1, "columns", Double(columns), "≥ 1")
        try ClusteringError.require(dimension >= 1, "dimension", Double(dimension), "≥ 1")
        guard initialWeights.count == rows * columns * dimension else {
            throw ClusteringError.shapeMismatch("\(initialWeights.count) weights for \(rows) × \(columns) units of dimension \(dimension).")
        }
        try ClusteringError.require(initialWeights.allSatisfy(\.isFinite), "initialWeights", .nan, "finite")
        try ClusteringError.require(parameters.sigma > 0 && parameters.sigma.isFinite, "sigma", parameters.sigma, "finite and > 0")
        try ClusteringError.require(parameters.learningRate > 0 && parameters.learningRate.isFinite, "learningRate",
                                    parameters.learningRate, "finite and > 0")
        self.rows = rows
        self.columns = columns
        self.dimension = dimension
        self.parameters = parameters
        self.weights = initialWeights
    }

    /// A map whose units start at rows of `data` drawn at random (distinct rows unless the map has
    /// more units than `data` has rows), like MiniSom's `random_weights_init` but seeded with ``Xoshiro256``.
    ///
    /// - Throws: As ``init(rows:columns:dimension:initialWeights:parameters:)``, and for bad data.
    public init(rows: Int, columns: Int, sampling data: FeatureMatrix, seed: UInt64, parameters: Parameters = Parameters()) throws {
        try data.validate()
        var rng = Xoshiro256(seed: seed)
        let units = rows * columns
        let picks = units <= data.rowCount
            ? KMeans.sampleIndices(count: data.rowCount, size: units, using: &rng, ascending: false)
            : (0..<units).map { _ in Swift.min(Int(Double(data.rowCount) * rng.nextOpenUnit()), data.rowCount - 1) }
        try self.init(rows: rows, columns: columns, dimension: data.columnCount, initialWeights: data.selecting(rows: picks).values,
                      parameters: parameters)
    }

    /// Number of units.
    public var unitCount: Int { rows * columns }

    /// Grid position (row i, column j) of a unit index.
    public func gridPosition(ofUnit unit: Int) -> (row: Int, column: Int) { (unit / columns, unit % columns) }

    /// Trains on `data`.
    ///
    /// - Parameters:
    ///   - data: Rows with ``dimension`` columns.
    ///   - iterations: Steps T (or epochs, when `useEpochs`).
    ///   - useEpochs: Run T passes over all rows, decaying η and σ once per pass (MiniSom's `use_epochs`).
    /// - Returns: The winning unit of each step (before that step's update).
    ///   - cancellation: Checked every 4,096 steps.
    /// - Throws: ``ClusteringError`` for bad data, a column count other than ``dimension``, or T < 1;
    ///   `CancellationError` when `cancellation` is cancelled (the map is then partly trained).
    @discardableResult
    public mutating func train(on data: FeatureMatrix, iterations: Int, useEpochs: Bool = false,
                               cancellation: CancellationToken? = nil) throws -> [Int] {
        try data.validate()
        try checkDimension(data)
        try ClusteringError.require(iterations >= 1, "iterations", Double(iterations), "≥ 1")
        let n = data.rowCount, p = dimension, units = unitCount
        let steps = useEpochs ? n * iterations : iterations
        let total = Double(iterations)
        var influence = [Double](repeating: 0, count: unitCount)
        var stepWinners: [Int] = []
        stepWinners.reserveCapacity(steps)
        var cancelled = false
        data.values.withUnsafeBufferPointer { x in
            for step in 0..<steps {
                if step & 4095 == 0, cancellation?.isCancelled == true {
                    cancelled = true
                    break
                }
                let row = x.baseAddress! + (step % n) * p
                let t = Double(useEpochs ? step / n : step)
                let eta = learningRate(at: t, of: total)
                let sigma = neighbourhoodRadius(at: t, of: total)
                let winner = nearestUnits(to: row, count: 1)[0]
                stepWinners.append(winner)
                neighbourhood(of: winner, sigma: sigma, into: &influence)
                weights.withUnsafeMutableBufferPointer { w in
                    for u in 0..<units {
                        let g = influence[u] * eta
                        guard g != 0 else { continue }
                        for f in 0..<p { w[u * p + f] += g * (row[f] - w[u * p + f]) }
                    }
                }
            }
        }
        if cancelled { throw CancellationError() }
        return stepWinners
    }

    /// The winning unit (nearest weight vector, first on ties) of each row.
    ///
    /// - Throws: ``ClusteringError`` for bad data or a column count other than ``dimension``.
    public func winners(_ data: FeatureMatrix) throws -> [Int] {
        try data.validate()
        try checkDimension(data)
        return data.values.withUnsafeBufferPointer { x in
            (0..<data.rowCount).map { nearestUnits(to: x.baseAddress! + $0 * dimension, count: 1)[0] }
        }
    }

    /// Mean distance from each row to its winner's weights (MiniSom's `quantization_error`).
    ///
    /// - Throws: As ``winners(_:)``.
    public func quantizationError(_ data: FeatureMatrix) throws -> Double {
        let units = try winners(data)
        var total = 0.0
        for (i, u) in units.enumerated() {
            var d = 0.0
            for f in 0..<dimension {
                let t = data[i, f] - weights[u * dimension + f]
                d += t * t
            }
            total += d.squareRoot()
        }
        return total / Double(data.rowCount)
    }

    /// Share of rows whose best and second-best units are not neighbours on the grid (MiniSom's
    /// `topographic_error`): rectangular grids count the 8 surrounding units as neighbours (grid
    /// distance ≤ 1.42), hexagonal grids the units at distance 1. NaN for a 1 × 1 map.
    ///
    /// - Throws: As ``winners(_:)``.
    public func topographicError(_ data: FeatureMatrix) throws -> Double {
        try data.validate()
        try checkDimension(data)
        guard unitCount > 1 else { return .nan }
        let errors = data.values.withUnsafeBufferPointer { x in
            (0..<data.rowCount).reduce(0) { count, i in
                let best = nearestUnits(to: x.baseAddress! + i * dimension, count: 2)
                let (a, b) = (coordinates(ofUnit: best[0], hexagonalShift: true), coordinates(ofUnit: best[1], hexagonalShift: true))
                let distance = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
                let neighbours = parameters.topology == .rectangular ? distance <= 1.42 : abs(1 - distance) <= 1e-8 + 1e-5 * distance
                return neighbours ? count : count + 1
            }
        }
        return Double(errors) / Double(data.rowCount)
    }

    private func checkDimension(_ data: FeatureMatrix) throws {
        guard data.columnCount == dimension else {
            throw ClusteringError.shapeMismatch("the map has dimension \(dimension), the data \(data.columnCount) columns.")
        }
    }

    /// η(t).
    func learningRate(at t: Double, of total: Double) -> Double {
        let eta0 = parameters.learningRate
        switch parameters.learningRateDecay {
        case .asymptotic: return eta0 / (1 + t / (total / 2))
        case .inverseToZero:
            let c = total / 100
            return eta0 * c / (c + t)
        case .linearToZero: return eta0 * (1 - t / total)
        }
    }

    /// σ(t).
    func neighbourhoodRadius(at t: Double, of total: Double) -> Double {
        let sigma0 = parameters.sigma
        switch parameters.sigmaDecay {
        case .asymptotic: return sigma0 / (1 + t / (total / 2))
        case .inverseToOne: return sigma0 / (1 + t * ((sigma0 - 1) / total))
        case .linearToOne: return sigma0 + t * (1 - sigma0) / total
        }
    }

    /// The `count` units nearest to `row`, nearest first (lower index first on ties).
    func nearestUnits(to row: UnsafePointer<Double>, count: Int) -> [Int] {
        var best = [Int](repeating: -1, count: count), bestDistance = [Double](repeating: .infinity, count: count)
        weights.withUnsafeBufferPointer { w in
            for u in 0..<unitCount {
                var d = 0.0
                for f in 0..<dimension {
                    let t = row[f] - w[u * dimension + f]
                    d += t * t
                }
                guard d < bestDistance[count - 1] else { continue }
                var slot = count - 1
                while slot > 0 && d < bestDistance[slot - 1] {
                    bestDistance[slot] = bestDistance[slot - 1]
                    best[slot] = best[slot - 1]
                    slot -= 1
                }
                bestDistance[slot] = d
                best[slot] = u
            }
        }
        return best
    }

    /// Euclidean-plane coordinates of a unit: (i, j) on a rectangular grid; on a hexagonal grid every
    /// other grid column j (counting back from the last) shifts i by −½, and j is scaled by √3/2.
    func coordinates(ofUnit unit: Int, hexagonalShift: Bool) -> (x: Double, y: Double) {
        let (i, j) = gridPosition(ofUnit: unit)
        guard hexagonalShift, parameters.topology == .hexagonal else { return (Double(i), Double(j)) }
        let shift = (columns - 1 - j) % 2 == 0 ? 0.5 : 0
        return (Double(i) - shift, Double(j) * ((3.0 / 2.0) / 3.0.squareRoot()))
    }

    /// h(c, σ) for every unit.
    func neighbourhood(of winner: Int, sigma: Double, into h: inout [Double]) {
        let c = coordinates(ofUnit: winner, hexagonalShift: true)
        let (ci, cj) = gridPosition(ofUnit: winner)
        let d = 2 * sigma * sigma
        for u in 0..<unitCount {
            switch parameters.neighborhood {
            case .gaussian:
                let q = coordinates(ofUnit: u, hexagonalShift: true)
                h[u] = Foundation.exp(-((q.x - c.x) * (q.x - c.x)) / d) * Foundation.exp(-((q.y - c.y) * (q.y - c.y)) / d)
            case .mexicanHat:
                let q = coordinates(ofUnit: u, hexagonalShift: true)
                let r2 = (q.x - c.x) * (q.x - c.x) + (q.y - c.y) * (q.y - c.y)
                h[u] = Foundation.exp(-r2 / d) * (1 - 2 / d * r2)
            case .bubble:
                let (i, j) = gridPosition(ofUnit: u)
                let inside = Double(i) > Double(ci) - sigma && Double(i) < Double(ci) + sigma
                    && Double(j) > Double(cj) - sigma && Double(j) < Double(cj) + sigma
                h[u] = inside ? 1 : 0
            case .triangle:
                let (i, j) = gridPosition(ofUnit: u)
                h[u] = Swift.max(0, sigma - Double(abs(ci - i))) * Swift.max(0, sigma - Double(abs(cj - j)))
            }
        }
    }
}
