import CLVCore
import Testing

@Suite("ErrorCategory")
struct ErrorCategoryTests {
    /// The mapping is the contract the CLI and the server share; a change here is a breaking change for scripts.
    @Test("each category has its sysexits code and HTTP status")
    func mapping() {
        let expected: [ErrorCategory: (Int32, Int)] = [
            .usage: (64, 400), .invalidData: (65, 422), .inputUnavailable: (66, 404),
            .internalFailure: (70, 500), .outputFailed: (73, 500),
        ]
        #expect(Set(ErrorCategory.allCases) == Set(expected.keys))
        for category in ErrorCategory.allCases {
            #expect(category.exitCode == expected[category]!.0, "\(category)")
            #expect(category.httpStatus == expected[category]!.1, "\(category)")
        }
    }
}
