#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLVKit

@main
struct CLV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Customer lifetime value and lifecycle analytics from transaction logs.",
        discussion: """
        Exit codes: 0 success (also when the reader of standard output stops early, as `| head` does); \
        1 unexpected failure; 64 bad command line; 65 bad input data \
        (the message names file, line, column and value) or a model that cannot be fitted; \
        66 input file missing; 73 cannot write output.
        """,
        version: "0.1.0",
        subcommands: [Analyze.self, Report.self, Summary.self, Segment.self, Features.self, Churn.self, Fit.self, Predict.self, Validate.self, Generate.self,
                      Import.self, ImportUndo.self, Identity.self, CustomerCommand.self])

    /// Parses and runs a command. Unlike the default, a mistyped subcommand gets a suggestion, and a
    /// usage error found while running shows the usage of the subcommand that found it.
    static func main() {
        // A reader that goes away (`clv summary … | head`) is handled where standard output is written.
        signal(SIGPIPE, SIG_IGN)
        // A parent may start clv with these blocked (Foundation's Process does); then Ctrl-C or a
        // SIGTERM would stay pending forever instead of stopping clv (which removes its temporary files).
        var stops = sigset_t()
        sigemptyset(&stops)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&stops, sig) }
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
        var arguments = Array(CommandLine.arguments.dropFirst())
        // `clv import --undo RUN_ID` takes no file: it is its own (hidden) command.
        if arguments.first == "import", arguments.contains(where: { $0 == "--undo" || $0.hasPrefix("--undo=") }) {
            arguments[0] = "import-undo"
        }
        if let message = unknownSubcommand(arguments) {
            printError(message)
            Glibc.exit(ExitCode.validationFailure.rawValue)
        }
        var command: any ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exit(withError: error) }
        do {
            try command.run()
        } catch let error as ValidationError {
            let type = Swift.type(of: command)
            let name = commandPath(of: type).joined(separator: " ")
            printError("Error: \(error.message)\nUsage: \(usageString(for: type))\n  See '\(name) --help' for more information.")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// The names from `clv` down to `type`, e.g. `["clv", "churn", "evaluate"]`.
    static func commandPath(of type: any ParsableCommand.Type) -> [String] {
        func search(_ node: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            let here = path + [node.configuration.commandName ?? "\(node)".lowercased()]
            if node == type { return here }
            for child in node.configuration.subcommands { if let found = search(child, here) { return found } }
            return nil
        }
        return search(CLV.self, []) ?? ["clv"]
    }

    /// A message for a subcommand name that does not exist (with the closest one), or nil.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        var node: any ParsableCommand.Type = CLV.self
        var path = ["clv"]
        for argument in arguments {
            let children = node.configuration.subcommands
            guard !children.isEmpty, !argument.hasPrefix("-") else { return nil }
            let names = children.map { $0.configuration.commandName ?? "\($0)".lowercased() }
            if let k = names.firstIndex(of: argument) {
                node = children[k]
                path.append(argument)
                continue
            }
            if node == CLV.self && argument == "help" { return nil }
            let ranked = names.map { ($0, editDistance(argument.lowercased(), $0)) }.sorted { $0.1 < $1.1 }
            let suggestion = ranked.first.flatMap { $0.1 <= max(2, argument.count / 3) ? $0.0 : nil }
                ?? names.first { $0.hasPrefix(argument.lowercased()) && argument.count >= 2 }
            let known = "commands: \(names.joined(separator: ", "))"
            let usage = "Usage: \(path.joined(separator: " ")) <subcommand>\n  See '\(path.joined(separator: " ")) --help' for more information."
            if let suggestion {
                return "Error: unknown command '\(argument)'. Did you mean '\(suggestion)'?\n\(usage)"
            }
            return "Error: unknown command '\(argument)' (\(known)).\n\(usage)"
        }
        return nil
    }

    /// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts once).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
