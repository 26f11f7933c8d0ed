/// Whether a training set holds enough customers of each class for a classifier to learn anything:
/// below ``minimumPerClass`` of either class training is refused, below ``recommendedPerClass`` the
/// result is flagged as unstable.
public enum TrainingClassCheck {
    /// Fewer positives or negatives than this: refused.
    public static let minimumPerClass = 10
    /// Fewer positives or negatives than this: a warning (metrics and models vary a lot from sample to sample).
    public static let recommendedPerClass = 50

    /// Checks `positives` of `rows` training rows.
    /// - Parameters:
    ///   - classes: the names of the positive and the negative class in plain words ("churned", "bought again").
    ///   - context: where the rows come from, for the message (e.g. "training cutoff 2024-01-01").
    /// - Returns: a warning line when either class has fewer than ``recommendedPerClass`` rows, else nil.
    /// - Throws: ``PredictionError/shape(_:)`` when either class has fewer than ``minimumPerClass`` rows.
    public static func check(rows: Int, positives: Int, classes: (positive: String, negative: String), context: String) throws -> String? {
        let negatives = rows - positives
        let counts = "\(rows) training rows (\(context)): \(positives) \(classes.positive), \(negatives) \(classes.negative)"
        if min(positives, negatives) < minimumPerClass {
            throw PredictionError.shape("\(counts); a classifier needs at least \(minimumPerClass) of each class "
                + "(\(recommendedPerClass) or more for stable results). Use a later --cutoff, a shorter --horizon, or --rolling N "
                + "to add earlier training cutoffs.")
        }
        if min(positives, negatives) < recommendedPerClass {
            return "warning: only \(counts); with fewer than \(recommendedPerClass) of a class the models and their metrics "
                + "are unstable. Use a later --cutoff or --rolling N for more training rows."
        }
        return nil
    }
}
