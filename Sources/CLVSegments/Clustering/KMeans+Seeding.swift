import _CLVUtilities
import CLVNumerics
import Foundation

extension KMeans {
    /// k-means++ seeding, greedy variant (Arthur & Vassilvitskii 2007; scikit-learn's `_kmeans_plusplus`):
    /// the first centre is a uniformly random row; each further centre is the best of
    /// `2 + ⌊ln k⌋` candidates drawn with probability proportional to the squared distance to the
    /// nearest centre so far, "best" meaning the lowest resulting potential Σ min‖x − c‖².
    ///
    /// - Returns: The indices of the chosen rows, in order.
    /// - Precondition: `1 ≤ clusterCount ≤ data.rowCount`.
    /// - Complexity: O(n·k·p·log k).
    ///
    /// > Arthur, D. & Vassilvitskii, S. (2007). k-means++: the advantages of careful seeding. *SODA '07*, 1027–1035.
    public static func plusPlusSeeds(_ data: FeatureMatrix, clusterCount k: Int, using rng: inout Xoshiro256) -> [Int] {
        let n = data.rowCount, p = data.columnCount
        precondition(k >= 1 && k <= n, "plusPlusSeeds needs 1 ≤ clusterCount ≤ rows")
        let trials = 2 + Int(Foundation.log(Double(k)))
        var seeds = [Int(Double(n) * rng.nextOpenUnit())]
        return data.values.withUnsafeBufferPointer { x in
            func squaredDistances(to row: Int) -> [Double] {
                var out = [Double](repeating: 0, count: n)
                out.withUnsafeMutableBufferPointer { buffer in
                    let w = DisjointWrites(buffer)
                    let source = x.baseAddress!, seed = source + row * p
                    forEachChunk(count: n) { _, range in
                        // Kernel: wrapping index arithmetic; i < n and f < p stay inside the n·p values.
                        for i in range {
                            let r = source + i &* p
                            var d = 0.0
                            for f in 0..<p {
                                let t = r[f] - seed[f]
                                d += t * t
                            }
                            w.write(d, at: i)
                        }
                    }
                }
                return out
            }
            var closest = squaredDistances(to: seeds[0])
            var potential = closest.reduce(0, +)
            var cumulative = [Double](repeating: 0, count: n)
            while seeds.count < k {
                var running = 0.0
                for i in 0..<n {
                    running += closest[i]
                    cumulative[i] = running
                }
                var best: (potential: Double, row: Int, distances: [Double])?
                for _ in 0..<trials {
                    let target = rng.nextOpenUnit() * potential
                    let candidate = min(Self.firstIndex(in: cumulative, notBelow: target), n - 1)
                    var distances = squaredDistances(to: candidate)
                    var candidatePotential = 0.0
                    for i in 0..<n {
                        distances[i] = Swift.min(distances[i], closest[i])
                        candidatePotential += distances[i]
                    }
                    if best == nil || candidatePotential < best!.potential {
                        best = (candidatePotential, candidate, distances)
                    }
                }
                seeds.append(best!.row)
                closest = best!.distances
                potential = best!.potential
            }
            return seeds
        }
    }

    /// The first index whose value is ≥ `target` in an ascending array (`numpy.searchsorted`, side left).
    static func firstIndex(in ascending: [Double], notBelow target: Double) -> Int {
        var low = 0, high = ascending.count
        while low < high {
            let mid = (low + high) / 2
            if ascending[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
