import Foundation
import Testing
import _CLVTestSupport

@Suite("clv churn and clv features, end to end")
struct ChurnCommandTests {
    static let log = "Examples/transactions.csv"

    @Test func evaluateReportsEveryModelAndTheBaseline() throws {
        let dir = try TestData.temporaryDirectory()
        let page = dir.appendingPathComponent("churn.html").path
        let r = try CLVCommand.run(["churn", "evaluate", Self.log, "--cutoff", "2024-09-30", "--horizon", "13w", "--as-of", "2030-01-01",
                                    "--classifiers", "logistic,linear-svm,tree,gbt", "--format", "json", "--report", page, "--lang", "zh", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let models = json["models"] as! [[String: Any]]
        #expect(models.map { $0["name"] as! String } == ["logistic", "linear-svm", "tree", "gbt", "p_alive_baseline"])
        for m in models {
            for key in ["roc_auc", "pr_auc", "precision", "recall", "f1", "accuracy", "brier"] {
                let v = try #require(m[key] as? Double, "\(key)")
                #expect(v >= 0 && v <= 1, "\(key) = \(v)")
            }
            let deciles = (m["deciles"] as! [String: Any])["groups"] as! [[String: Any]]
            #expect(deciles.count == 10)
            #expect(abs((deciles.last!["cumulative_gain"] as! Double) - 1) < 1e-12)
        }
        // Training outcomes end at the cutoff: cutoff − 91 days.
        #expect(json["training_cutoffs"] as? [String] == ["2024-07-01"])
        #expect(json["test_rows"] as? Int == 2000)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("ROC 曲线") && html.components(separatedBy: "<svg").count - 1 == 3)
    }

    @Test(arguments: ["logistic", "forest"])
    func trainSavesAVersionedModelThatPredictScores(classifier: String) throws {
        let dir = try TestData.temporaryDirectory()
        let model = dir.appendingPathComponent("churn-\(classifier).json").path
        let t = try CLVCommand.run(["churn", "train", Self.log, "--classifier", classifier, "--horizon", "13w", "-o", model, "--as-of", "2030-01-01", "-q"])
        #expect(t.status == 0, "\(t.stderr)")
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        let header = saved["header"] as! [String: Any]
        #expect(header["format"] as? String == "clvkit-churn-model" && header["version"] as? Int == 1)
        #expect(header["training_cutoffs"] as? [String] == ["2025-03-31"], "data end 2025-06-30 − 91 days")
        let p = try CLVCommand.run(["churn", "predict", Self.log, "--model-file", model, "--as-of", "2030-01-01", "-q"])
        #expect(p.status == 0, "\(p.stderr)")
        let lines = p.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,churn_probability,risk_decile" && lines.count == 2001)
        var deciles = Set<Int>()
        for line in lines.dropFirst() {
            let f = line.split(separator: ",")
            let prob = Double(f[1])!
            #expect(prob >= 0 && prob <= 1)
            deciles.insert(Int(f[2])!)
        }
        #expect(deciles == Set(1...10))
        // A model file of another version is refused with a clear message.
        let text = try String(contentsOfFile: model, encoding: .utf8).replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99")
        try text.write(toFile: model, atomically: true, encoding: .utf8)
        let bad = try CLVCommand.run(["churn", "predict", Self.log, "--model-file", model, "--as-of", "2030-01-01"])
        #expect(bad.status == 65 && bad.stderr.contains("version 99"))
    }

    @Test func featuresAtRollingCutoffs() throws {
        let r = try CLVCommand.run(["features", Self.log, "--cutoff", "2025-03-31", "--horizon", "13w", "--rolling", "2", "--step", "90d",
                                    "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(Array(header.prefix(4)) == ["customer_id", "cutoff", "label", "recency_days"])
        #expect(header.contains("channel_share_web") && header.suffix(2) == ["p_alive", "expected_purchases"])
        let cutoffs = Set(lines.dropFirst().map { $0.split(separator: ",")[1] })
        #expect(cutoffs == ["2024-12-31", "2025-03-31"])
        // Too late a cutoff for evaluation is refused.
        let late = try CLVCommand.run(["churn", "evaluate", Self.log, "--cutoff", "2025-06-01", "--as-of", "2030-01-01"])
        #expect(late.status == 64 && late.stderr.contains("after the data end"))
    }

    @Test func alertsDeviationsAndSimilarValue() throws {
        let a = try CLVCommand.run(["churn", "alerts", Self.log, "--as-of", "2030-01-01", "-q"])
        #expect(a.status == 0, "\(a.stderr)")
        let alerts = a.stdout.split(separator: "\n").dropFirst()
        #expect(alerts.count > 100)
        // Every overdue alert's value is above the multiple, and its reason names the days.
        for line in alerts where line.contains(",overdue,") {
            let f = line.split(separator: ",")
            #expect(Double(f[2])! > 2)
        }
        let strict = try CLVCommand.run(["churn", "alerts", Self.log, "--as-of", "2030-01-01", "-q", "--overdue-multiple", "1000000",
                                         "--spend-drop", "1.01", "--frequency-drop", "1.01"])
        #expect(strict.stdout.split(separator: "\n").count == 1, "nothing passes impossible thresholds")
        let d = try CLVCommand.run(["churn", "deviations", Self.log, "--as-of", "2030-01-01", "-q", "--format", "jsonl"])
        #expect(d.status == 0, "\(d.stderr)")
        let z = try d.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(!z.isEmpty && z.allSatisfy { abs($0["z_score"] as! Double) >= 2 })
        let s = try CLVCommand.run(["churn", "similar-value", Self.log, "--as-of", "2030-01-01", "--k", "5"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.split(separator: "\n").count == 2001)
        #expect(s.stderr.contains("similar customers: MAE") && s.stderr.contains("model: MAE"))
    }
}

@Suite("clv churn evaluate on too few training rows")
struct ChurnTrainingSizeTests {
    @Test func evaluateRefusesAHandfulOfTrainingRows() throws {
        // Training cutoff 2024-01-01, the first day of the log: 17 customers, 6 of whom stayed.
        let r = try CLVCommand.run(["churn", "evaluate", ChurnCommandTests.log, "--cutoff", "2024-04-01", "--horizon", "13w",
                                    "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("17 training rows (cutoff 2024-01-01): 11 churned, 6 stayed") && r.stderr.contains("at least 10 of each class"))
        #expect(r.stdout.isEmpty)
        let t = try CLVCommand.run(["churn", "train", ChurnCommandTests.log, "--cutoff", "2024-01-01", "--horizon", "13w",
                                    "--as-of", "2030-01-01", "-o", "/dev/null", "-q"])
        #expect(t.status == 65 && t.stderr.contains("at least 10 of each class"), "\(t.stderr)")
    }
}
