import ArgumentParser
import CLVKit

@main
struct CLV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Customer lifetime value and lifecycle analytics from transaction logs.",
        discussion: """
        Exit codes: 0 success; 1 unexpected failure; 64 bad command line; 65 bad input data \
        (the message names file, line, column and value) or a model that cannot be fitted; \
        66 input file missing; 73 cannot write output.
        """,
        version: "0.1.0",
        subcommands: [Analyze.self, Report.self, Summary.self, Segment.self, Features.self, Churn.self, Fit.self, Predict.self, Validate.self, Generate.self])
}
