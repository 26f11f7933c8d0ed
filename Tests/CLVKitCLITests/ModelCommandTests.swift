import Foundation
import Testing
import _CLVTestSupport

@Suite("clv fit, predict and validate, end to end")
struct ModelCommandTests {
    static let cdnow = ["--no-header", "--customer", "2", "--date", "3", "--amount", "5", "--time-unit", "week"]
    static var cdnowPath: String { TestData.shared("CDNOW_sample.txt").path }

    @Test("fit writes a versioned model file with the published BG/NBD estimates and a spend model")
    func fit() throws {
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("model.json")
        let r = try CLVCommand.run(["fit", Self.cdnowPath] + Self.cdnow + ["--calibration-end", "1997-09-30",
                                    "--observation-end", "1998-06-30", "--spend-model", "gg", "-o", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("r      0.2426"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        #expect(json["format"] as? String == "clvkit-model")
        #expect(json["version"] as? Int == 1)
        #expect(json["model"] as? String == "bgnbd")
        #expect(json["time_unit"] as? String == "week")
        #expect(json["converged"] as? Bool == true)
        let parameters = try #require(json["parameters"] as? [String: Double])
        #expect(abs(parameters["alpha"]! - 4.414) < 0.001)
        #expect((json["standard_errors"] as? [String: Double])?.count == 4)
        #expect(abs((json["log_likelihood"] as? Double ?? 0) - -9582.4) < 0.05)
        let spend = try #require(json["spend_model"] as? [String: Any])
        #expect(abs(((spend["parameters"] as? [String: Double])?["q"] ?? 0) - 3.74) < 0.01)
        #expect((json["data"] as? [String: Any])?["customers"] as? Int == 2357)
    }

    @Test("predict scores every customer; expected purchases and P(alive) follow the model")
    func predict() throws {
        let dir = try TestData.temporaryDirectory()
        let model = dir.appendingPathComponent("m.json")
        #expect(try CLVCommand.run(["fit", Self.cdnowPath] + Self.cdnow + ["--spend-model", "gg", "-o", model.path, "-q"]).status == 0)
        let r = try CLVCommand.run(["predict", Self.cdnowPath, "--no-header", "--customer", "2", "--date", "3", "--amount", "5",
                                    "--model-file", model.path, "--horizon", "12m", "--margin", "0.3", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,expected_purchases,p_alive,expected_spend,clv")
        #expect(lines.count == 2358)
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).dropFirst().map { Double($0)! }
            #expect(f[0] >= 0 && f[1] > 0 && f[1] <= 1 && f[2] > 0 && f[3] >= 0)
        }
    }

    @Test("auto chooses by holdout error and says why")
    func auto() throws {
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("auto.json")
        let r = try CLVCommand.run(["fit", Self.cdnowPath] + Self.cdnow + ["--model", "auto", "--calibration-end", "1997-09-30",
                                    "--observation-end", "1998-06-30", "-o", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("lowest mean absolute error of per-customer holdout purchases"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        let selection = try #require(json["selection"] as? [String: Any])
        #expect((selection["candidates"] as? [Any])?.count == 3)
        #expect(selection["criterion"] as? String == "holdout mean absolute error")
        // Refitted on all 78 weeks.
        #expect((json["data"] as? [String: Any])?["calibration_end"] == nil)
    }

    @Test("validate compares the models on the holdout, as text and JSON")
    func validate() throws {
        let r = try CLVCommand.run(["validate", Self.cdnowPath] + Self.cdnow + ["--calibration-end", "1997-09-30",
                                    "--observation-end", "1998-06-30", "--format", "json", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.count == 3)
        // 1,882 repeat purchases in the 39-week holdout of the CDNOW sample.
        #expect(models.allSatisfy { ($0["actual_total"] as? Double) == 1882 })
        // Tracking: 2,457 repeat purchases in the calibration period and 1,882 in the holdout, cumulatively 4,339.
        let tracking = try #require(json["cumulative_repeat_purchases"] as? [String: Any])
        let actual = try #require(tracking["actual"] as? [Double])
        #expect(actual.last == 4339)
        let predicted = try #require((tracking["predicted"] as? [String: [Double]])?["BG/NBD"])
        #expect(predicted.count == actual.count)
        // The model tracks the calibration period closely (FHL 2005, figure 2): within 5% at week 39.
        let week39 = (tracking["day"] as! [String]).firstIndex(of: "1997-09-30") ?? 38
        #expect(abs(predicted[week39] / actual[week39] - 1) < 0.05, "\(predicted[week39]) vs \(actual[week39])")
        let text = try CLVCommand.run(["validate", Self.cdnowPath] + Self.cdnow + ["--calibration-end", "1997-09-30", "-q"])
        #expect(text.stdout.contains("Mean holdout purchases by calibration repeat purchases"))
        #expect(text.stdout.contains("Cumulative repeat purchases (tracking)"))
        #expect(try CLVCommand.run(["validate", Self.cdnowPath] + Self.cdnow).status == 64)
    }

    @Test("sBG from a cohort file, BG/BB from periods, and a bad model file")
    func otherModels() throws {
        let dir = try TestData.temporaryDirectory()
        let cohort = dir.appendingPathComponent("cohort.txt")
        try "active\n1000\n631\n468\n382\n326\n289\n262\n241\n".write(to: cohort, atomically: true, encoding: .utf8)
        let r = try CLVCommand.run(["fit", cohort.path, "--model", "sbg", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(abs(((json["parameters"] as? [String: Double])?["alpha"] ?? 0) - 0.704) < 0.001)
        let bgbb = try CLVCommand.run(["fit", Self.cdnowPath, "--no-header", "--customer", "2", "--date", "3", "--amount", "5",
                                       "--model", "bgbb", "--freq", "month", "-q"])
        #expect(bgbb.status == 0, "\(bgbb.stderr)")
        let bad = dir.appendingPathComponent("bad.json")
        try "{\"format\":\"something else\"}".write(to: bad, atomically: true, encoding: .utf8)
        let p = try CLVCommand.run(["predict", "Examples/transactions.csv", "--model-file", bad.path])
        #expect(p.status == 65)
        #expect(p.stderr.contains("not a CLVKit model file"))
    }

    /// Hand edits that used to crash `clv predict` (a cut `parameter_order` indexed past the parameter vector) or be
    /// read in part are refused with exit 65 and a message naming the field.
    @Test("hand-edited model files are refused with exit 65 and the field named")
    func editedModelFiles() throws {
        let dir = try TestData.temporaryDirectory()
        let good = dir.appendingPathComponent("good.json")
        let args = ["Examples/transactions.csv", "--as-of", "2030-01-01", "-q"]
        let f = try CLVCommand.run(["fit"] + args + ["--spend-model", "gg", "-o", good.path])
        #expect(f.status == 0, "\(f.stderr)")
        #expect(try CLVCommand.run(["predict"] + args + ["--model-file", good.path]).status == 0)
        typealias JSON = [String: Any]
        let edits: [(String, (inout JSON) -> Void)] = [
            ("fit.parameter_order", { j in var fit = j["fit"] as! JSON; fit["parameter_order"] = ["r", "alpha"]; j["fit"] = fit }),
            ("fit.parameters.b", { j in var fit = j["fit"] as! JSON; var p = fit["parameters"] as! JSON; p["b"] = nil; fit["parameters"] = p; j["fit"] = fit }),
            ("fit.parameters.a", { j in var fit = j["fit"] as! JSON; var p = fit["parameters"] as! JSON; p["a"] = -1.0; fit["parameters"] = p; j["fit"] = fit }),
            ("fit.model", { j in var fit = j["fit"] as! JSON; fit["model"] = "bgnbd2"; j["fit"] = fit }),
            ("spend_model.model", { j in var s = j["spend_model"] as! JSON; s["model"] = "sbg"; s["parameter_order"] = ["alpha", "beta"]
                s["parameters"] = ["alpha": 1.0, "beta": 2.0]; s["covariance"] = [[Double]](); j["spend_model"] = s }),
            ("fit.covariance", { j in var fit = j["fit"] as! JSON; fit["covariance"] = [[1.0, 0.0], [0.0, 1.0]]; j["fit"] = fit }),
            ("spend_model.intervals95", { j in var s = j["spend_model"] as! JSON; var i = s["intervals95"] as! JSON; i["p"] = [1.0]; s["intervals95"] = i; j["spend_model"] = s }),
            ("parameters differ from fit.parameters", { j in var p = j["parameters"] as! JSON; p["r"] = 9.0; j["parameters"] = p }),
            ("time_unit", { j in j["time_unit"] = "fortnight" }),
        ]
        for (field, edit) in edits {
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: good)) as! JSON
            edit(&json)
            let bad = dir.appendingPathComponent("bad.json")
            try JSONSerialization.data(withJSONObject: json).write(to: bad)
            let r = try CLVCommand.run(["predict"] + args + ["--model-file", bad.path])
            #expect(r.status == 65, "\(field): \(r.stderr)")
            #expect(r.stderr.contains(field), "\(field): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(field)")
        }
    }

    @Test("predict: P(alive) at a later date, and infinite-horizon CLV where the model has a DERT")
    func futureAndInfinite() throws {
        let dir = try TestData.temporaryDirectory()
        let pnbd = dir.appendingPathComponent("pnbd.json"), bg = dir.appendingPathComponent("bg.json")
        #expect(try CLVCommand.run(["fit", Self.cdnowPath] + Self.cdnow + ["--model", "pnbd", "--spend-model", "gg", "-o", pnbd.path, "-q"]).status == 0)
        #expect(try CLVCommand.run(["fit", Self.cdnowPath] + Self.cdnow + ["--spend-model", "gg", "-o", bg.path, "-q"]).status == 0)
        let args = [Self.cdnowPath, "--no-header", "--customer", "2", "--date", "3", "--amount", "5", "-q"]
        let r = try CLVCommand.run(["predict"] + args + ["--model-file", pnbd.path, "--horizon", "infinite", "--alive-after", "26w"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,expected_purchases,p_alive,expected_spend,clv,p_alive_after")
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").dropFirst().map { Double($0)! }
            #expect(f[4] <= f[1] + 1e-12 && f[4] >= 0, "later P(alive) cannot exceed today's")
            #expect(f[3] > 0 && f[3].isFinite)
        }
        let refused = try CLVCommand.run(["predict"] + args + ["--model-file", bg.path, "--horizon", "infinite"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("closed-form DERT"))
    }
}
