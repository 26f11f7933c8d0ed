import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

/// A golden file of Scripts/golden/segments_reference.py (scikit-learn 1.9.1, MiniSom 2.3.6).
struct ClusteringGolden {
    let cases: [[String: Any]]
    let json: [String: Any]

    init(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
        json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        cases = json["cases"] as? [[String: Any]] ?? []
    }

    static func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }
    static func numbers(_ value: Any?) -> [Double] { (value as? [Any] ?? []).map(number) }
    static func integers(_ value: Any?) -> [Int] { (value as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 } }
    static func matrix(_ value: Any?) throws -> FeatureMatrix { try FeatureMatrix(rows: (value as? [Any] ?? []).map(numbers)) }
    /// A rows × columns × dimension array, flattened row-major.
    static func cube(_ value: Any?) -> [Double] { (value as? [Any] ?? []).flatMap { ($0 as? [Any] ?? []).flatMap(numbers) } }
}

extension Double {
    /// 0 for NaN (an absent entry), else the value.
    var nanToZero: Double { isNaN ? 0 : self }
}

@Suite("Clustering agrees with scikit-learn 1.9.1 and MiniSom 2.3.6 (goldens from Scripts/golden/segments_reference.py)")
struct ClusteringGoldenTests {
    @Test("k-means from given centres: labels, centres and inertia (1e-9 relative) and n_iter as sklearn's Lloyd with tol = 0")
    func kMeans() throws {
        let golden = try ClusteringGolden("kmeans")
        #expect(!golden.cases.isEmpty)
        for c in golden.cases {
            let name = c["name"] as? String ?? "?"
            let data = try ClusteringGolden.matrix(c["data"])
            let initial = try ClusteringGolden.matrix(c["init"])
            let result = try KMeans.lloyd(data, initialCentres: initial, maxIterations: 300, tolerance: 0)
            #expect(result.labels == ClusteringGolden.integers(c["labels"]), "\(name) labels")
            let centres = try ClusteringGolden.matrix(c["centers"])
            for (ours, theirs) in zip(result.centres.values, centres.values) {
                #expect(isClose(ours, theirs, relative: 1e-9, absolute: 1e-12), "\(name) centre \(ours) vs \(theirs)")
            }
            #expect(isClose(result.inertia, ClusteringGolden.number(c["inertia"]), relative: 1e-9), "\(name) inertia")
            #expect(result.iterations == Int(ClusteringGolden.number(c["n_iter"])), "\(name) n_iter")
        }
    }

    @Test("silhouette (mean and per row), Calinski–Harabasz and Davies–Bouldin within 1e-10 (or the recorded sklearn rounding)")
    func qualityIndices() throws {
        let golden = try ClusteringGolden("cluster_metrics")
        #expect(!golden.cases.isEmpty)
        for c in golden.cases {
            let name = c["name"] as? String ?? "?"
            let data = try ClusteringGolden.matrix(c["data"])
            let labels = ClusteringGolden.integers(c["labels"])
            // The golden records how far an exact implementation lands from scikit-learn, whose
            // distances √(|x|² − 2x·y + |y|²) leave rounding residue (e.g. ≈ 2e-5 instead of 0 for a
            // one-row cluster's spread in rfm_lognormal_with_singleton, 4.5e-10 relative on its
            // Davies–Bouldin); allow 1e-10 or twice that recorded difference.
            let checks = (golden.json["checks"] as? [String: Any])?[name] as? [String: Any] ?? [:]
            func tolerance(_ key: String) -> Double { Swift.max(1e-10, 2 * ClusteringGolden.number(checks[key]).nanToZero) }
            #expect(isClose(try ClusterQuality.silhouette(data, labels: labels), ClusteringGolden.number(c["silhouette"]),
                            relative: 0, absolute: tolerance("silhouette_abs_diff")), "\(name) silhouette")
            let samples = try ClusterQuality.silhouetteSamples(data, labels: labels)
            let expected = ClusteringGolden.numbers(c["silhouette_samples"])
            #expect(samples.count == expected.count)
            for (i, (ours, theirs)) in zip(samples, expected).enumerated() {
                #expect(isClose(ours, theirs, relative: 0, absolute: tolerance("silhouette_samples_max_abs_diff")), "\(name) silhouette of row \(i)")
            }
            #expect(isClose(try ClusterQuality.calinskiHarabasz(data, labels: labels), ClusteringGolden.number(c["calinski_harabasz"]),
                            relative: tolerance("calinski_harabasz_rel_diff"), absolute: 0), "\(name) Calinski–Harabasz")
            #expect(isClose(try ClusterQuality.daviesBouldin(data, labels: labels), ClusteringGolden.number(c["davies_bouldin"]),
                            relative: tolerance("davies_bouldin_rel_diff"), absolute: 0), "\(name) Davies–Bouldin")
        }
    }

    @Test("agglomerative merges (children as pairs), distances (1e-9 relative) and partitions for each linkage")
    func agglomerative() throws {
        let golden = try ClusteringGolden("agglomerative")
        #expect(!golden.cases.isEmpty)
        for c in golden.cases {
            let name = c["name"] as? String ?? "?"
            let linkage = try #require(AgglomerativeClustering.Linkage(rawValue: c["linkage"] as? String ?? ""), "\(name) linkage")
            let tree = try AgglomerativeClustering(linkage: linkage).fit(try ClusteringGolden.matrix(c["data"]))
            let children = (c["children"] as? [Any] ?? []).map(ClusteringGolden.integers)
            let distances = ClusteringGolden.numbers(c["distances"])
            #expect(tree.merges.count == children.count, "\(name) merge count")
            for (i, (merge, pair)) in zip(tree.merges, children).enumerated() {
                // scikit-learn's single linkage lists a pair in MST order, scipy's smaller id first.
                #expect(Set([merge.first, merge.second]) == Set(pair), "\(name) merge \(i)")
                #expect(isClose(merge.distance, distances[i], relative: 1e-9, absolute: 1e-12), "\(name) distance \(i)")
            }
            let k = Int(ClusteringGolden.number(c["n_clusters"]))
            #expect(samePartition(tree.labels(clusterCount: k), ClusteringGolden.integers(c["labels"])), "\(name) partition")
        }
    }

    @Test("SOM trained from given weights: weights (1e-9), winners of every step and of every row, quantization and topographic error as MiniSom's train")
    func selfOrganizingMap() throws {
        let golden = try ClusteringGolden("som")
        #expect(!golden.cases.isEmpty)
        for c in golden.cases {
            let name = c["name"] as? String ?? "?"
            let data = try ClusteringGolden.matrix(c["data"])
            let parameters = SelfOrganizingMap.Parameters(
                sigma: ClusteringGolden.number(c["sigma"]), learningRate: ClusteringGolden.number(c["learning_rate"]),
                learningRateDecay: try #require(Self.learningRateDecay[c["decay_function"] as? String ?? ""], "\(name) decay"),
                sigmaDecay: try #require(Self.sigmaDecay[c["sigma_decay_function"] as? String ?? ""], "\(name) sigma decay"),
                neighborhood: try #require(Self.neighborhood[c["neighborhood_function"] as? String ?? ""], "\(name) neighbourhood"),
                topology: try #require(SelfOrganizingMap.Topology(rawValue: c["topology"] as? String ?? ""), "\(name) topology"))
            let (x, y) = (Int(ClusteringGolden.number(c["x"])), Int(ClusteringGolden.number(c["y"])))
            var map = try SelfOrganizingMap(rows: x, columns: y, dimension: data.columnCount,
                                            initialWeights: ClusteringGolden.cube(c["initial_weights"]), parameters: parameters)
            let initial = map
            let steps = try map.train(on: data, iterations: Int(ClusteringGolden.number(c["num_iteration"])),
                                      useEpochs: c["use_epochs"] as? Bool ?? false)
            if c["training_winners"] != nil {
                #expect(steps == (c["training_winners"] as? [Any] ?? []).map(ClusteringGolden.integers).map { $0[0] * y + $0[1] },
                        "\(name) winner of each training step")
            }
            if c["weights_after_iteration_1"] != nil {
                // At t = 0 both decays give η₀ and σ₀ whatever T is, so one step of a 1-step run is step 0 of the golden run.
                var first = initial
                try first.train(on: data, iterations: 1)
                for (ours, theirs) in zip(first.weights, ClusteringGolden.cube(c["weights_after_iteration_1"])) {
                    #expect(isClose(ours, theirs, relative: 1e-9, absolute: 1e-12), "\(name) weight after step 0")
                }
            }
            let expected = ClusteringGolden.cube(c["weights"])
            #expect(map.weights.count == expected.count)
            for (ours, theirs) in zip(map.weights, expected) {
                #expect(isClose(ours, theirs, relative: 1e-9, absolute: 1e-12), "\(name) weight \(ours) vs \(theirs)")
            }
            let winners = (c["winners"] as? [Any] ?? []).map(ClusteringGolden.integers).map { $0[0] * y + $0[1] }
            #expect(try map.winners(data) == winners, "\(name) winners")
            #expect(isClose(try map.quantizationError(data), ClusteringGolden.number(c["quantization_error"]), relative: 1e-9),
                    "\(name) quantization error")
            #expect(isClose(try map.topographicError(data), ClusteringGolden.number(c["topographic_error"]), relative: 1e-12, absolute: 1e-12),
                    "\(name) topographic error")
        }
    }

    static let learningRateDecay: [String: SelfOrganizingMap.LearningRateDecay] = [
        "asymptotic_decay": .asymptotic, "inverse_decay_to_zero": .inverseToZero, "linear_decay_to_zero": .linearToZero,
    ]
    static let sigmaDecay: [String: SelfOrganizingMap.SigmaDecay] = [
        "asymptotic_decay": .asymptotic, "inverse_decay_to_one": .inverseToOne, "linear_decay_to_one": .linearToOne,
    ]
    static let neighborhood: [String: SelfOrganizingMap.Neighborhood] = [
        "gaussian": .gaussian, "mexican_hat": .mexicanHat, "bubble": .bubble, "triangle": .triangle,
    ]
}
