/// Checks the `format` and `version` fields of a saved tree model.
///
/// - Throws: ``PredictionError/modelFile(_:)`` if the file is another kind of model or a newer version.
func checkTreeModelFormat(_ format: String, _ version: Int, expected: String, supportedVersion: Int) throws {
    guard format == expected else {
        throw PredictionError.modelFile("model format is '\(format)', expected '\(expected)'")
    }
    guard version >= 1, version <= supportedVersion else {
        throw PredictionError.modelFile("\(expected) version \(version) is not supported (this build reads 1…\(supportedVersion))")
    }
}

/// Checks that a table to score has the training columns.
func checkTreeFeatureCount(_ features: FeatureTable, _ names: [String], model: String) {
    precondition(features.columnCount == names.count,
                 "\(model): \(features.columnCount) columns given, trained on \(names.count) (\(names.joined(separator: ", ")))")
}
