/// How ``CompositeIndex`` weights the indicators.
public enum IndicatorWeighting: Sendable, Hashable {
    /// Each indicator's ``Indicator/givenWeight``, normalised to sum 1.
    case given
    /// Objective weights from the data by the entropy weight method (``EntropyWeights``).
    case entropy(basis: EntropyWeights.Basis = .minMax)
    /// Subjective weights from a pairwise comparison matrix over the indicators (``AHPPriorities``);
    /// the matrix must compare exactly the table's indicators, by name, in any order.
    case ahp(PairwiseComparisonMatrix, method: AHPPriorities.Method = .principalEigenvector)
    /// Entropy and AHP combined multiplicatively: wⱼ = eⱼ aⱼ / Σₖ eₖ aₖ, so an indicator needs both information in
    /// the data and importance to the analyst to count.
    case entropyAHP(PairwiseComparisonMatrix, basis: EntropyWeights.Basis = .minMax,
                    method: AHPPriorities.Method = .principalEigenvector)
}
