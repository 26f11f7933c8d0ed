import CLVCore
/// Account grades from a composite index score (B2B): the ABC rule applied to the score.
public enum IndexGrades {
    /// Key, growth and standard accounts, in that order (ABC's A, B and C).
    public static let segments: [SegmentDefinition] = [
        .init(key: "key_account", name: .init("Key account", "重点客户"),
              action: .init("Account manager, tailored terms, executive contact", "专属客户经理、定制条款、高层对接"),
              rule: .init("highest composite index", "综合指数最高")),
        .init(key: "growth_account", name: .init("Growth account", "成长客户"),
              action: .init("Develop: joint planning, broaden the product range", "重点发展：联合规划，扩大合作品类"),
              rule: .init("next band of the composite index", "综合指数居中")),
        .init(key: "standard_account", name: .init("Standard account", "一般客户"),
              action: .init("Standard service through efficient channels", "标准化服务，高效渠道维护"),
              rule: .init("the rest", "其余客户")),
    ]

    /// Grades for `scores` with the ABC cut points (shares of customers, highest scores first).
    public static func grade(scores: [Double], ids: [String], cuts: (a: Double, b: Double) = (0.15, 0.35)) throws -> Segmentation {
        let abc = try ABCClassification.classify(value: scores, ids: ids, cuts: cuts)
        return Segmentation(method: "index", segments: segments, assignment: abc.assignment)
    }
}
