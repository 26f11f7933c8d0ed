import CLVCore
import CLVIngest
import CLVSegments
import Foundation

/// The segmentation methods of `clv segment`.
public enum SegmentationMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// R, F, M scores and the eight classic segments (重要价值客户 …).
    case rfm
    /// Orders × average order value, split at the mean or median.
    case valueMatrix = "value-matrix"
    /// A, B, C by value.
    case abc
    /// Membership tiers by window spend and activity, with moves since an earlier date.
    case tiers
    /// New, growing, mature, at risk, churned, reactivated.
    case lifecycle
    /// K-Means on standardized features.
    case kmeans
    /// CF-tree pre-clustering, then Ward (SPSS TwoStep).
    case twoStep = "two-step"
    /// A Kohonen map whose units are grouped by Ward.
    case som
    /// A composite index (B2B) graded by the ABC cut points.
    case index
}

/// One field of a segmentation's per-customer columns.
public enum TableCell: Sendable, Hashable {
    /// Text.
    case text(String)
    /// A number (empty in CSV, `null` in JSON when not finite).
    case number(Double)
    /// A whole number.
    case integer(Int)
    /// An empty CSV field, JSON `null`.
    case missing
}

/// Numeric per-customer columns from elsewhere (an attribute file, a CRM export) for the composite index.
public protocol AttributeSource: Sendable {
    /// Column `name` for the customers `ids`, in that order.
    /// - Throws: when the column is unknown or a customer has no value.
    func column(_ name: String, for ids: [String]) throws -> [Double]
}

/// The options of every method of ``SegmentRun``, with `clv segment`'s defaults.
public struct SegmentRunOptions: Sendable {
    /// What rfm's monetary score ranks.
    public enum Monetary: String, Sendable, Hashable, CaseIterable, Codable {
        /// Net spend to date.
        case total
        /// Net spend per order.
        case average
    }
    /// rfm: quantile bins (NTILE or keeping ties) or fixed cut points.
    public var rfmBinning: RFMBinning = .ntile(bins: 5)
    /// rfm: what the monetary score ranks.
    public var rfmMonetary: Monetary = .total
    /// rfm: monetary values above this quantile are capped (nil: no cap).
    public var rfmMonetaryCapQuantile: Double? = 0.99
    /// rfm, value-matrix: compare with the mean or the median.
    public var reference: SplitReference = .mean
    /// rfm: the eight segments compare raw values or scores.
    public var rfmSplitBasis: RFMSplitBasis = .values
    /// abc, index grades: cut points A and B as shares.
    public var abcCuts: (a: Double, b: Double) = (0.15, 0.35)
    /// abc: shares of customers or of value.
    public var abcBasis: ABCBasis = .customers
    /// tiers: the spend window in days.
    public var tierWindowDays = 365
    /// tiers: silver, gold and diamond spend thresholds; nil derives them from the data (50th/80th/95th percentile).
    public var tierThresholds: (silver: Double, gold: Double, diamond: Double)?
    /// tiers: paid tiers need a purchase within this many days.
    public var tierInactiveDays: Double = 365
    /// tiers: also the tiers at this earlier date, and the moves since.
    public var tierCompare: CalendarDay?
    /// lifecycle: the trend window in days.
    public var trendWindowDays = 90
    /// lifecycle: the thresholds of the flags.
    public var lifecycle = LifecycleOptions()
    /// index: the indicators (``SegmentRun/metricNames`` or columns of ``attributes``), with their directions
    /// and, for ``IndicatorWeighting/given``, their weights.
    public var indicators: [Indicator] = [Indicator("recency_days", direction: .cost), Indicator("orders"), Indicator("spend"),
                                          Indicator("average_order_value"), Indicator("tenure_days")]
    /// index: how the indicators are weighted.
    public var indexWeighting: IndicatorWeighting = .entropy()
    /// index: the AHP consistency ratio at or above which the matrix is refused.
    public var maxConsistencyRatio = 0.1
    /// index: further indicator columns.
    public var attributes: (any AttributeSource)?
    /// kmeans, two-step, som: the number of clusters (nil: chosen from the data).
    public var clusterCount: Int?
    /// kmeans, two-step: the cluster counts to choose from.
    public var clusterCountRange: ClosedRange<Int> = 2...8
    /// kmeans, two-step, som: the features (``SegmentRun/metricNames``).
    public var clusterFeatures = ["recency_days", "orders", "spend", "average_order_value"]
    /// som: the map size.
    public var somRows = 4, somColumns = 4
    /// som: training steps (nil: the number of customers, between 10,000 and 200,000).
    public var somIterations: Int?
    /// Seed of the clustering methods.
    public var seed: UInt64 = 1
    /// Report the clustering phases' times as ``PipelineEvent/timing(_:)``.
    public var recordTimings = false
    /// Checked before the method runs and inside the clustering methods' iterations (K-Means' Lloyd
    /// steps, two-step's tree pass, SOM training); the run then throws `CancellationError`.
    public var cancellation: CancellationToken?

    /// The defaults.
    public init() {}
}

/// A segmentation with its per-customer columns and notes: one method of `clv segment`.
public struct SegmentRunResult: Sendable {
    /// The method.
    public var method: SegmentationMethod
    /// Each customer's segment (in the order of ``SegmentInputs/metrics``).
    public var segmentation: Segmentation
    /// The method's own columns (after segment and segment key, before action).
    public var columns: [String]
    /// Customer `i`'s values of ``columns``.
    public var fields: @Sendable (Int) -> [TableCell]
    /// What the method decided from the data (cut points, weights, the chosen k …).
    public var notes: [String] = []
}

/// The segmentations of `clv segment` as library calls, on ``SegmentInputs``.
public enum SegmentRun {
    /// Names of the per-customer figures that index and clustering methods can use.
    public static let metricNames = ["recency_days", "orders", "spend", "average_order_value", "tenure_days", "clv", "p_alive"]

    /// The per-customer figure `name` (nil for a name that is not one of ``metricNames``).
    /// - Throws: ``SegmentationError/invalidOption(_:)`` for clv or p_alive when the metrics lack them.
    public static func metricColumn(_ name: String, _ m: CustomerMetrics) throws -> [Double]? {
        switch name {
        case "recency_days": return m.recencyDays
        case "orders": return m.orders
        case "spend": return m.spend
        case "average_order_value": return m.averageOrderValue
        case "tenure_days": return m.tenureDays
        case "clv":
            guard let v = m.lifetimeValue else { throw SegmentationError.invalidOption("clv needs --value clv.") }
            return v
        case "p_alive":
            guard let v = m.probabilityAlive else { throw SegmentationError.invalidOption("p_alive needs a model (--model).") }
            return v
        default: return nil
        }
    }

    /// Segments the customers of `inputs` by `method`.
    /// - Throws: ``SegmentationError``, ``ClusteringError`` or ``IndexScoringError`` for options the data cannot meet.
    public static func run(_ method: SegmentationMethod, _ inputs: SegmentInputs, options: SegmentRunOptions = SegmentRunOptions(),
                           progress: PipelineProgress? = nil) throws -> SegmentRunResult {
        try options.cancellation?.check()
        switch method {
        case .rfm: return try rfm(inputs, options)
        case .valueMatrix:
            let m = inputs.metrics
            let (seg, fr, ar) = try ValueMatrix.segment(m, reference: options.reference)
            let aov = m.averageOrderValue
            return SegmentRunResult(method: method, segmentation: seg, columns: ["orders", "average_order_value"],
                                    fields: { i in [.number(m.orders[i]), .number(aov[i])] },
                                    notes: ["value matrix: split at \(options.reference.rawValue) orders \(format(fr)) and average order value \(format(ar))"])
        case .abc:
            let m = inputs.metrics
            let v = m.value
            let seg = try ABCClassification.classify(value: v, ids: m.ids, cuts: options.abcCuts, basis: options.abcBasis)
            return SegmentRunResult(method: method, segmentation: seg, columns: ["abc_class", "value"],
                                    fields: { i in [.text(seg.segment(of: i).key), .number(v[i])] })
        case .tiers: return try tiers(inputs, options)
        case .lifecycle: return try lifecycle(inputs, options)
        case .index: return try index(inputs, options)
        case .kmeans, .twoStep, .som: return try clusters(method, inputs, options, progress: progress)
        }
    }

    static func rfm(_ inputs: SegmentInputs, _ options: SegmentRunOptions) throws -> SegmentRunResult {
        let m = inputs.metrics
        let money = options.rfmMonetary == .total ? m.spend : m.averageOrderValue
        let r = try RFMSegmentation.segment(m, monetary: money, options: RFMOptions(
            binning: options.rfmBinning, monetaryCapQuantile: options.rfmMonetaryCapQuantile, basis: options.rfmSplitBasis,
            reference: options.reference))
        let note = "rfm: high/low against the \(options.reference.rawValue) of \(options.rfmSplitBasis.rawValue): recency \(format(r.references.recency)), frequency \(format(r.references.frequency)), monetary \(format(r.references.monetary))\(r.monetaryCap.map { "; monetary capped at \(format($0))" } ?? "")"
        return SegmentRunResult(method: .rfm, segmentation: r.segmentation,
                                columns: ["r_score", "f_score", "m_score", "rfm_code", "recency_days", "orders", "monetary"],
                                fields: { i in
                                    [.integer(Int(r.recencyScore[i])), .integer(Int(r.frequencyScore[i])), .integer(Int(r.monetaryScore[i])),
                                     .text("\(r.recencyScore[i])\(r.frequencyScore[i])\(r.monetaryScore[i])"),
                                     .number(m.recencyDays[i]), .number(m.orders[i]), .number(money[i])]
                                }, notes: [note])
    }

    static func tiers(_ data: SegmentInputs, _ options: SegmentRunOptions) throws -> SegmentRunResult {
        let window = options.tierWindowDays
        guard window > 0 else { throw SegmentationError.invalidOption("the tier window must be positive.") }
        let now = try data.window(days: window, endingAt: data.asOf)
        var notes: [String] = []
        let thresholds: (Double, Double, Double)
        if let t = options.tierThresholds {
            thresholds = (t.silver, t.gold, t.diamond)
        } else if let t = MembershipTiers.suggestedThresholds(windowSpend: now.spend) {
            thresholds = t
            notes.append("tiers: thresholds from the data (50th/80th/95th percentile of \(window)-day spend): silver \(format(t.silver)), gold \(format(t.gold)), diamond \(format(t.diamond)); pass --tier-thresholds \(format(t.silver)),\(format(t.gold)),\(format(t.diamond)) to keep them fixed")
        } else {
            throw SegmentationError.invalidOption("too few customers with spend to derive tier thresholds; give --tier-thresholds.")
        }
        let tiers = try MembershipTiers.standard(silver: thresholds.0, gold: thresholds.1, diamond: thresholds.2,
                                                 maxInactiveDays: options.tierInactiveDays)
        let metrics = data.metrics
        let seg = try tiers.assign(TierActivity(spend: now.spend, orders: now.orders, inactiveDays: metrics.recencyDays))
        var previous: Segmentation?
        if let compare = options.tierCompare {
            guard compare < data.asOf else {
                throw SegmentationError.invalidOption("--compare (\(compare)) must be before the as-of date \(data.asOf).")
            }
            let then = try data.window(days: window, endingAt: compare)
            // Days since the last purchase on or before the earlier date (no purchase by then: inactive).
            var inactiveThen = [Double](repeating: .infinity, count: metrics.count)
            if let earlier = try data.cumulative(at: compare).table {
                var index: [String: Int] = [:]
                index.reserveCapacity(earlier.count)
                for (j, id) in earlier.customerIDs.enumerated() { index[id] = j }
                for i in inactiveThen.indices {
                    if let j = index[metrics.ids[i]] { inactiveThen[i] = Double(earlier.lastPurchase[j].days(to: compare)) }
                }
            }
            let p = try tiers.assign(TierActivity(spend: then.spend, orders: then.orders, inactiveDays: inactiveThen))
            previous = p
            let moves = zip(p.assignment, seg.assignment)
            let ups = moves.filter { $1 < $0 }.count, downs = moves.filter { $1 > $0 }.count
            notes.append("tiers: \(ups) upgrades and \(downs) downgrades since \(compare)")
        }
        let windowSpend = now.spend, windowOrders = now.orders, recency = metrics.recencyDays
        let before = previous
        return SegmentRunResult(method: .tiers, segmentation: seg,
                                columns: ["tier", "window_spend", "window_orders", "days_since_last_purchase"]
                                    + (previous != nil ? ["previous_tier", "move"] : []),
                                fields: { i in
                                    var f: [TableCell] = [.text(seg.segment(of: i).key), .number(windowSpend[i]), .number(windowOrders[i]),
                                                          .number(recency[i])]
                                    if let p = before {
                                        let (old, new) = (p.assignment[i], seg.assignment[i])
                                        f += [.text(p.segment(of: i).key), .text(new < old ? "upgrade" : new > old ? "downgrade" : "")]
                                    }
                                    return f
                                }, notes: notes)
    }

    static func lifecycle(_ data: SegmentInputs, _ options: SegmentRunOptions) throws -> SegmentRunResult {
        let m = data.metrics
        let trend = options.trendWindowDays
        guard trend > 0 else { throw SegmentationError.invalidOption("the trend window must be positive.") }
        let (seg, recent, previous) = try data.lifecycleStages(trendWindow: trend, options: options.lifecycle)
        let gaps = LifecycleStages.usualGaps(m, options: options.lifecycle)
        let alive = m.probabilityAlive
        return SegmentRunResult(method: .lifecycle, segmentation: seg,
                                columns: ["lifecycle_stage", "days_since_last_purchase", "usual_gap_days", "orders", "tenure_days",
                                          "p_alive", "orders_last_\(trend)d", "orders_previous_\(trend)d"],
                                fields: { i in
                                    [.text(seg.segment(of: i).key), .number(m.recencyDays[i]), .number(gaps[i]), .number(m.orders[i]),
                                     .number(m.tenureDays[i]), alive.map { .number($0[i]) } ?? .missing,
                                     .number(recent[i]), .number(previous[i])]
                                })
    }

    static func index(_ data: SegmentInputs, _ options: SegmentRunOptions) throws -> SegmentRunResult {
        let m = data.metrics
        var columns: [[Double]] = []
        for indicator in options.indicators {
            if let builtIn = try metricColumn(indicator.name, m) {
                columns.append(builtIn)
            } else {
                guard let extra = options.attributes else {
                    throw SegmentationError.invalidOption("unknown indicator \(indicator.name); columns of another file need --attributes FILE.")
                }
                columns.append(try extra.column(indicator.name, for: m.ids))
            }
        }
        let chosen = options.indicators
        let rows = (0..<m.count).map { i in columns.map { $0[i] } }
        let table = try IndicatorTable(indicators: chosen, entities: m.ids, values: rows)
        let result = try CompositeIndex(table, weighting: options.indexWeighting, consistencyThreshold: options.maxConsistencyRatio)
        let seg = try IndexGrades.grade(scores: result.scores, ids: m.ids, cuts: options.abcCuts)
        let weightingName: String
        switch options.indexWeighting {
        case .given: weightingName = "given"
        case .entropy: weightingName = "entropy"
        case .ahp: weightingName = "ahp"
        case .entropyAHP: weightingName = "entropy-ahp"
        }
        var notes = ["index weights (\(weightingName)): " + zip(chosen, result.weights).map { "\($0.name) \(format($1))" }.joined(separator: ", ")]
        if let ahp = result.ahp {
            notes.append("AHP: λmax \(format(ahp.lambdaMax)), CI \(format(ahp.consistencyIndex)), CR \(format(ahp.consistencyRatio)) (accepted below \(format(options.maxConsistencyRatio)))")
        }
        return SegmentRunResult(method: .index, segmentation: seg,
                                columns: ["index_score", "index_rank"] + chosen.map { "contribution_\($0.name)" },
                                fields: { i in
                                    [.number(result.scores[i]), .integer(result.ranks[i])]
                                        + chosen.indices.map { .number(result.contribution(entity: i, indicator: $0)) }
                                }, notes: notes)
    }

    /// K-Means, two-step or SOM on standardized (log where skewed) features; each cluster is labelled from
    /// its medians and gets the action of the RFM segment its median customer falls in.
    static func clusters(_ method: SegmentationMethod, _ data: SegmentInputs, _ options: SegmentRunOptions,
                         progress: PipelineProgress?) throws -> SegmentRunResult {
        let m = data.metrics
        var names: [String] = [], columns: [[Double]] = []
        for name in options.clusterFeatures {
            guard let column = try metricColumn(name, m) else {
                throw SegmentationError.invalidOption("unknown clustering feature \(name): use \(metricNames.joined(separator: ", ")).")
            }
            names.append(name)
            columns.append(column)
        }
        var clock = PhaseClock(method.rawValue, enabled: options.recordTimings, progress: progress)
        let raw = try FeatureMatrix(columns: columns, names: names)
        let scaling = try FeatureScaling.fit(raw)
        let x = try scaling.transform(raw)
        clock.lap("features and scaling")
        var notes = ["\(method.rawValue): features " + scaling.columns.map { "\($0.name)\($0.isLogTransformed ? " (log)" : "")" }.joined(separator: ", ")
                     + ", z-scored"]
        let labels: [Int]
        let k = options.clusterCount
        switch method {
        case .kmeans:
            // Restarts run on a 50k sample above 200k customers; three are plenty there (scikit-learn runs one).
            var kmeans = KMeans(clusterCount: k ?? 2, restarts: m.count > 200_000 ? 3 : 10, seed: options.seed)
            kmeans.cancellation = options.cancellation
            if k == nil {
                let selection = try kmeans.selectClusterCount(x, among: options.clusterCountRange)
                kmeans.clusterCount = selection.recommendedClusterCount
                notes.append("kmeans: k = \(selection.recommendedClusterCount) by the highest silhouette"
                             + (selection.silhouetteSampleSize < m.count ? " (on a seeded sample of \(selection.silhouetteSampleSize))" : "")
                             + ": " + selection.candidates.map { "k=\($0.clusterCount) silhouette \(format($0.silhouette)) inertia \(format($0.inertia))" }.joined(separator: "; "))
            }
            let result = try kmeans.fit(x)
            labels = result.labels
            notes.append("kmeans: inertia \(format(result.inertia)), \(result.iterations) iterations")
        case .twoStep:
            var twoStep = TwoStepClustering(maxClusterCount: options.clusterCountRange.upperBound, clusterCount: k)
            twoStep.cancellation = options.cancellation
            let result = try twoStep.fit(x)
            labels = result.labels
            notes.append("two-step: \(result.subclusters.count) sub-clusters, \(result.clusterCount) clusters (BIC first estimate \(result.firstEstimate))")
        case .som:
            var som = try SelfOrganizingMap(rows: options.somRows, columns: options.somColumns, sampling: x, seed: options.seed)
            try som.train(on: x, iterations: options.somIterations ?? max(10_000, min(m.count, 200_000)),
                          cancellation: options.cancellation)
            let units = try som.unitClusters(count: k ?? min(som.unitCount, 6))
            labels = try som.clusterLabels(x, unitClusters: units)
            notes.append("som: \(options.somRows)×\(options.somColumns) map, quantization error \(format(try som.quantizationError(x))), topographic error \(format(try som.topographicError(x))); units grouped into \(Set(units).count) clusters by Ward")
        default:
            preconditionFailure("not a clustering method")
        }
        let roles: [ClusterProfile.Role] = names.map {
            switch $0 {
            case "recency_days": return .daysSinceLastPurchase
            case "orders": return .frequency
            case "spend": return .spend
            case "clv": return .value
            default: return .other
            }
        }
        clock.lap("clustering")
        let profiles = try ClusterProfile.profiles(labels: labels, features: raw, value: m.value, roles: roles)
        let overall = (0..<names.count).map { Quantiles.median(columns[$0]) }
        var segments = profiles.map { p -> SegmentDefinition in
            func high(_ name: String) -> Bool? { names.firstIndex(of: name).map { p.medians[$0] > overall[$0] } }
            let recent = names.firstIndex(of: "recency_days").map { p.medians[$0] < overall[$0] } ?? true
            let typical = RFMSegmentation.definition(recent: recent, frequent: high("orders") ?? false,
                                                     highSpend: high("spend") ?? high("average_order_value") ?? high("clv") ?? false)
            return SegmentDefinition(key: "cluster_\(p.cluster)", name: p.label, action: typical.action,
                                     rule: BilingualText("cluster \(p.cluster), like \(typical.name.english)", "第 \(p.cluster) 类，接近\(typical.name.chinese)"))
        }
        // Clusters whose medians read alike get their number added, so names stay distinct.
        let repeated = Dictionary(grouping: segments.indices, by: { segments[$0].name.english }).filter { $0.value.count > 1 }
        for (_, members) in repeated {
            for s in members {
                segments[s].name = BilingualText(segments[s].name.english + " (cluster \(profiles[s].cluster))",
                                                 segments[s].name.chinese + "（第 \(profiles[s].cluster) 类）")
            }
        }
        let index = Dictionary(uniqueKeysWithValues: profiles.enumerated().map { ($1.cluster, Int32($0)) })
        clock.lap("profiles")
        let seg = Segmentation(method: method.rawValue, segments: segments, assignment: labels.map { index[$0]! })
        let values = columns
        return SegmentRunResult(method: method, segmentation: seg, columns: ["cluster"] + names,
                                fields: { i in [.integer(labels[i])] + values.map { .number($0[i]) } }, notes: notes)
    }

    /// Four significant digits (one decimal from 1000 up), as the notes print numbers.
    public static func format(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        if abs(v) >= 1000 { return String(format: "%.1f", v) }
        return String(format: "%.4g", v)
    }
}
