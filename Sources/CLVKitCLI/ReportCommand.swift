import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Render the HTML report again from the outputs of clv analyze (e.g. in another language).",
            discussion: """
            Reads DIRECTORY/summary.json (which holds everything the report shows) and writes the page \
            atomically: by default DIRECTORY/report.html in English and DIRECTORY/report-zh.html in Chinese.

            Example: clv report out/ --lang zh
            """)

        @Argument(help: "An output directory of clv analyze.")
        var directory: String
        @Option(help: "Report language: en or zh.")
        var lang: ReportLanguage = .en
        @Option(name: .shortAndLong, help: "Where to write the page.")
        var output: String?

        func run() throws {
            try withExitCodes {
                let path = (directory as NSString).appendingPathComponent("summary.json")
                guard let data = FileManager.default.contents(atPath: path) else { throw IngestError.fileNotFound(path: path) }
                struct Saved: Decodable { var report: ReportData? }
                let decoder = JSONDecoder()
                decoder.keyDecodingStrategy = .convertFromSnakeCase
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
                let saved: Saved
                do { saved = try decoder.decode(Saved.self, from: data) } catch {
                    throw ModelError.invalidData("\(path): not a summary.json of clv analyze (\(error)).")
                }
                guard let report = saved.report else {
                    throw ModelError.invalidData("\(path) has no report section (written by an older clv); run clv analyze again.")
                }
                let target = output ?? (directory as NSString).appendingPathComponent(lang == .en ? "report.html" : "report-zh.html")
                let page = try OutputFile(path: target)
                try page.write(HTMLReport.render(report, language: lang))
                try page.commit()
                printError("clv: wrote \(target)")
            }
        }
    }
}
