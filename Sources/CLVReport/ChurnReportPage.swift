import CLVCore
import Foundation

/// The `clv churn evaluate --report` page: a comparison table and the ROC, cumulative-gains and
/// reliability charts of every classifier and the P(alive) baseline, in English or Chinese.
public enum ChurnReportPage {
    /// One evaluated model, as plain numbers.
    public struct Model: Sendable {
        /// The classifier key (`logistic`, `linear-svm`, `mlp`, `tree`, `forest`, `gbt`) or `p_alive_baseline`;
        /// known keys are shown by their display name, others as given.
        public var name: String
        /// name → value: roc_auc, pr_auc, precision, recall, f1, accuracy, brier.
        public var metrics: [String: Double]
        /// The ROC curve: false positive rates (x) and true positive rates (y), point by point.
        public var rocX: [Double], rocY: [Double]
        /// Cumulative share of customers contacted (by decile) and of events caught.
        public var gainsX: [Double], gainsY: [Double]
        /// The reliability curve: mean predicted probability and observed share of events, bin by bin.
        public var calibrationPredicted: [Double], calibrationObserved: [Double]
        /// A model from its figures. The x and y arrays of a curve are paired by index (the longer one's
        /// extra points are not drawn).
        public init(name: String, metrics: [String: Double], rocX: [Double], rocY: [Double], gainsX: [Double], gainsY: [Double],
                    calibrationPredicted: [Double], calibrationObserved: [Double]) {
            self.name = name; self.metrics = metrics; self.rocX = rocX; self.rocY = rocY; self.gainsX = gainsX; self.gainsY = gainsY
            self.calibrationPredicted = calibrationPredicted; self.calibrationObserved = calibrationObserved
        }
    }

    static let columns = ["roc_auc", "pr_auc", "precision", "recall", "f1", "accuracy", "brier"]

    /// Column headings of the metric keys, in English and Chinese.
    static func metricName(_ key: String, _ language: Language) -> String {
        let names: [String: (String, String)] = [
            "roc_auc": ("ROC AUC", "ROC AUC"), "pr_auc": ("PR AUC", "PR AUC"), "precision": ("Precision", "精确率"),
            "recall": ("Recall", "召回率"), "f1": ("F1", "F1"), "accuracy": ("Accuracy", "准确率"), "brier": ("Brier score", "Brier 分数"),
        ]
        guard let (en, zh) = names[key] else { return key }
        return language == .zh ? zh : en
    }

    /// Display names of the classifier keys of the CLI and of the P(alive) baseline.
    static func displayName(_ key: String, _ language: Language) -> String {
        let names: [String: (String, String)] = [
            "logistic": ("Logistic regression", "逻辑回归"), "linear-svm": ("Linear SVM", "线性 SVM"), "mlp": ("Neural network (MLP)", "神经网络（MLP）"),
            "tree": ("Decision tree", "决策树"), "forest": ("Random forest", "随机森林"), "gbt": ("Gradient boosting", "梯度提升树"),
            "p_alive_baseline": ("P(alive) baseline", "P(alive) 基线"),
        ]
        guard let (en, zh) = names[key] else { return key }
        return language == .zh ? zh : en
    }

    /// The page: the metrics table, then the ROC, gains and reliability charts.
    public static func render(models: [Model], subtitle: String, language: Language) -> String {
        let zh = language == .zh
        func e(_ s: String) -> String { SVGChart.escape(s) }
        func n(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.4f", $0) : "–" } ?? "–" }
        let title = zh ? "流失与购买预测：模型评估" : "Churn and purchase prediction: model evaluation"
        var h = "<!DOCTYPE html><html lang=\"\(zh ? "zh-Hans" : "en")\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(e(title))</title><style>\(HTMLReport.css)</style></head><body>"
        // ISO dates in the subtitle never break at their hyphens (a narrow screen would split 2024-|12-15).
        let subtitleHTML = e(ReportFormat.datesInText(subtitle, language: language))
            .replacing(/[0-9]{4}-[0-9]{2}-[0-9]{2}/) { "<span class=\"num\">\($0.output)</span>" }
        h += "<h1>\(e(title))</h1><p class=\"muted\">\(subtitleHTML)</p>"
        h += "<table class=\"stack\"><tr class=\"head\"><th>\(zh ? "模型" : "Model")</th>"
        h += columns.map { "<th>\(e(metricName($0, language)))</th>" }.joined() + "</tr>"
        for m in models {
            h += "<tr><td class=\"name\">\(e(displayName(m.name, language)))</td>"
            h += columns.map { "<td class=\"num\" data-label=\"\(e(metricName($0, language)))\">\(n(m.metrics[$0]))</td>" }.joined() + "</tr>"
        }
        h += "</table><div class=\"charts\">"
        let roc = SVGChart(title: zh ? "ROC 曲线" : "ROC curves", xLabel: zh ? "假阳性率" : "False positive rate",
                           yLabel: zh ? "真阳性率" : "True positive rate",
                           series: models.map { .init(name: displayName($0.name, language), x: $0.rocX, y: $0.rocY) } + [.init(name: zh ? "随机" : "chance", x: [0, 1], y: [0, 1], style: .dashedLine)])
        let gains = SVGChart(title: zh ? "累计增益（按十分位）" : "Cumulative gains by decile", xLabel: zh ? "按得分排序的客户占比" : "Share of customers, highest scores first",
                             yLabel: zh ? "捕获的事件占比" : "Share of events caught",
                             series: models.map { .init(name: displayName($0.name, language), x: [0] + $0.gainsX, y: [0] + $0.gainsY) } + [.init(name: zh ? "随机" : "chance", x: [0, 1], y: [0, 1], style: .dashedLine)])
        let reliability = SVGChart(title: zh ? "校准（可靠性）曲线" : "Reliability (calibration)", xLabel: zh ? "平均预测概率" : "Mean predicted probability",
                                   yLabel: zh ? "实际发生比例" : "Observed frequency",
                                   series: models.map { .init(name: displayName($0.name, language), x: $0.calibrationPredicted, y: $0.calibrationObserved, style: .points) }
                                       + [.init(name: zh ? "完美校准" : "perfect", x: [0, 1], y: [0, 1], style: .dashedLine)])
        for chart in [roc, gains, reliability] { h += "<figure>\(chart.render())</figure>" }
        h += "</div><p class=\"muted\">\(zh ? "由 CLVKit 生成" : "Generated by CLVKit")</p></body></html>\n"
        return h
    }
}
