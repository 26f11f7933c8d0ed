import CLVCore
import CLVIO
import ArgumentParser
import CLVKit
import Foundation
import _CLVUtilities

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
        var lang: Language = .en
        @Option(name: .shortAndLong, help: "Where to write the page.")
        var output: String?

        func run() throws {
            try withExitCodes {
                let path = (directory as NSString).appendingPathComponent("summary.json")
                guard let data = FileManager.default.contents(atPath: path) else { throw IngestError.fileNotFound(path: path) }
                // The files must be one run's (clv-run.json): a set mixed from two runs is refused.
                let manifest = try OutputSet.verify(directory)
                if manifest == nil { printError("clv: note: \(directory) has no \(OutputSet.manifestName) (written by an older clv): cannot check that its files belong to one run") }
                struct Saved: Decodable { var report: ReportData? }
                let decoder = JSONCoding.decoder()
                let saved: Saved
                do { saved = try decoder.decode(Saved.self, from: ReportJSONEncoder.nullsAsNaN(data)) } catch {
                    throw ModelError.invalidData("\(path): not a summary.json of clv analyze (\(error)).")
                }
                guard let report = saved.report else {
                    throw ModelError.invalidData("\(path) has no report section (written by an older clv); run clv analyze again.")
                }
                let target = output ?? (directory as NSString).appendingPathComponent(lang == .en ? "report.html" : "report-zh.html")
                try OutputFile.checkWritable(path: target)
                let page = try OutputFile(path: target, digest: true)
                let html = HTMLReport.render(report, language: lang)
                try page.write(manifest.map { OutputSet.stamp(html: html, runID: $0.runId) } ?? html)
                try page.commit()
                // A page rendered into the directory joins the run's set.
                let targetDirectory = URL(fileURLWithPath: target).deletingLastPathComponent().standardizedFileURL.path
                if let manifest, targetDirectory == URL(fileURLWithPath: directory).standardizedFileURL.path {
                    try OutputSet.record(URL(fileURLWithPath: target).lastPathComponent, file: page, in: directory, manifest: manifest)
                }
                printError("clv: wrote \(target)")
            }
        }
    }
}
