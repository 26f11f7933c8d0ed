/// Every model CLVKit fits, by the key used in model files and on the command line.
public enum ModelKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    case bgnbd
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    case mbgnbd
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    case pnbd
    /// BG/BB for discrete opportunities (Fader, Hardie & Shang 2010).
    case bgbb
    /// Shifted-beta-geometric contract model (Fader & Hardie 2007).
    case sbg
    /// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV").
    case gg

    /// The parameter names in the paper's order, which is the order of `parameter_order` in a model file.
    public var parameterNames: [String] {
        switch self {
        case .bgnbd: return BGNBDModel.parameterNames
        case .mbgnbd: return MBGNBDModel.parameterNames
        case .pnbd: return ParetoNBDModel.parameterNames
        case .bgbb: return BGBBModel.parameterNames
        case .sbg: return ShiftedBetaGeometricModel.parameterNames
        case .gg: return GammaGammaModel.parameterNames
        }
    }

    /// The name as papers write it ("BG/NBD").
    public var displayName: String {
        switch self {
        case .bgnbd: return BGNBDModel.displayName
        case .mbgnbd: return MBGNBDModel.displayName
        case .pnbd: return ParetoNBDModel.displayName
        case .bgbb: return BGBBModel.displayName
        case .sbg: return ShiftedBetaGeometricModel.displayName
        case .gg: return GammaGammaModel.displayName
        }
    }

    /// The continuous-time transaction model of this kind, if it is one.
    public var transactionModelKind: TransactionModelKind? { TransactionModelKind(rawValue: rawValue) }
}

extension TransactionModelKind {
    /// The same key as a ``ModelKind``.
    public var modelKind: ModelKind { ModelKind(rawValue: rawValue)! }
}
