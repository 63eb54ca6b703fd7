import ArgumentParser
import FleetCore
import Foundation

/// `fleet report RUN.jsonl -o run.html`: the HTML report of a past run, drawn from the
/// journal every run keeps in `.fleet/logs/<run-id>/run.jsonl` (the same page as `--report`).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML report of a past run from its run.jsonl.")

    @Argument(help: "The run's run.jsonl, or its log folder .fleet/logs/<run-id>.")
    var journal: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "The HTML file to write.")
    var output: String

    func run() throws {
        do {
            try HTMLReportFile.write(try HTMLReportFile.journal(at: journal), to: output)
        } catch let error as LocalizedError {
            Console.error(error.errorDescription ?? "\(error)")
            throw ExitCode(FleetExitCode.invalidInput)
        }
        Console.error("report: \(output)")
    }
}
