/// How a linear model's Newton iteration ended; stored with the model.
public struct LinearFitDiagnostics: Sendable, Hashable, Codable {
    /// Newton steps taken.
    public var iterations: Int
    /// Largest gradient component at the solution, in the solver's scale (see the model's
    /// `Options.tolerance`).
    public var gradientNorm: Double
    /// Objective value at the solution.
    public var objective: Double

    /// Diagnostics from known figures.
    public init(iterations: Int, gradientNorm: Double, objective: Double) {
        self.iterations = iterations
        self.gradientNorm = gradientNorm
        self.objective = objective
    }
}
