import CLVCore

/// Errors of the model layer; each says what to do about it.
public enum ModelError: CLVError {
    /// A parameter value outside the model's domain (such as not finite and > 0).
    case invalidParameter(model: String, name: String, value: Double, requirement: String)
    /// Input the model cannot use (an impossible history, columns of different lengths, no data); the message says which.
    case invalidData(String)
    /// The optimiser stopped without converging (also at the time limit); `hint` says what to try.
    case notConverged(model: String, gradientNorm: Double, iterations: Int, logLikelihood: Double, hint: String)
    /// A model that was fitted or read but cannot be used (unidentified parameters, infinite predictions, no transaction model).
    case unusableModel(model: String, reason: String)
    /// A model file that is not a valid CLVKit model file; the message names the bad field.
    case invalidModelFile(String)
    /// An option the model cannot honour (an infinite horizon without a closed form): a usage error.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .invalidParameter(let model, let name, let value, let requirement):
            return "\(model): parameter \(name) = \(value) is invalid (\(requirement))."
        case .invalidData(let message):
            return message
        case .notConverged(let model, let norm, let iterations, let ll, let hint):
            return "\(model): the fit did not converge (after \(iterations) iterations the largest gradient component is \(norm), log-likelihood \(ll)). \(hint)"
        case .unusableModel(let model, let reason):
            return "\(model): \(reason)"
        case .invalidModelFile(let message):
            return "model file: \(message)"
        case .invalidOption(let message):
            return message
        }
    }
}

extension ModelError {
    /// Throws ``invalidParameter(model:name:value:requirement:)`` for the first value that is not finite and > 0.
    /// Throws ``invalidParameter(model:name:value:requirement:)`` unless `values` has `count` elements.
    static func requireParameterCount(_ values: [Double], _ count: Int, model: String) throws {
        guard values.count == count else {
            throw ModelError.invalidParameter(model: model, name: "parameter vector length", value: Double(values.count),
                                              requirement: "exactly \(count)")
        }
    }

    static func requirePositive(_ values: [Double], names: [String], model: String) throws {
        for (name, v) in zip(names, values) where !(v.isFinite && v > 0) {
            throw ModelError.invalidParameter(model: model, name: name, value: v, requirement: "finite and > 0")
        }
    }
}

extension ModelError {
    /// ``invalidOption(_:)`` is a usage error; every other model error is about the data or the model file
    /// given (``ErrorCategory/invalidData``; a fit that did not converge included, as before).
    public var category: ErrorCategory {
        if case .invalidOption = self { return .usage }
        return .invalidData
    }
}
