import CLVCore
/// The customer value matrix: purchase frequency × average order value, split at the mean (or
/// median) of each, into four quadrants.
///
/// High means strictly above the reference. Customers without orders have an average order value of 0.
public enum ValueMatrix {
    /// Index = 2·(low frequency) + (low average order value).
    public static let segments: [SegmentDefinition] = [
        .init(key: "best", name: .init("Best", "优质型"),
              action: .init("Keep them: loyalty rewards, early access, personal service", "重点维护：忠诚度奖励、新品优先、专属服务"),
              rule: .init("frequent buyers with large orders", "高频次、高客单价")),
        .init(key: "frequent", name: .init("Frequent", "经常型"),
              action: .init("Grow the basket: bundles, upsell, free-shipping thresholds", "提升客单价：组合、加价购、满额包邮"),
              rule: .init("frequent buyers with small orders", "高频次、低客单价")),
        .init(key: "spender", name: .init("Spender", "消费型"),
              action: .init("Bring them back more often: reminders, subscriptions, points", "提升频次：复购提醒、订阅、积分"),
              rule: .init("infrequent buyers with large orders", "低频次、高客单价")),
        .init(key: "uncertain", name: .init("Uncertain", "不确定型"),
              action: .init("Low-cost tests; find the promising ones", "低成本试探，筛选有潜力的客户"),
              rule: .init("infrequent buyers with small orders", "低频次、低客单价")),
    ]

    /// The quadrant of every customer and the two reference values (orders, average order value).
    public static func segment(_ metrics: CustomerMetrics, reference: SplitReference = .mean) throws
        -> (segmentation: Segmentation, frequencyReference: Double, orderValueReference: Double) {
        guard metrics.count > 0 else { throw SegmentationError.empty }
        let aov = metrics.averageOrderValue
        func ref(_ v: [Double]) -> Double { reference == .mean ? v.reduce(0, +) / Double(v.count) : Quantiles.median(v) }
        let (fr, ar) = (ref(metrics.orders), ref(aov))
        let assignment = (0..<metrics.count).map { i -> Int32 in
            (metrics.orders[i] > fr ? 0 : 2) + (aov[i] > ar ? 0 : 1)
        }
        return (Segmentation(method: "value-matrix", segments: segments, assignment: assignment), fr, ar)
    }
}
