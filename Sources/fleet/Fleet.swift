import ArgumentParser
import FleetKeep

/// The `fleet` command: parses arguments and hands off to one subcommand per file in `Commands/`.
///
/// Every command names itself (`commandName`): a name derived from the type costs a
/// `String(describing:)` of the type on every start, with first-time runtime lookups.
@main
struct Fleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run ordered playbooks and ad-hoc commands on many hosts over SSH.",
        version: "fleet \(VersionCommand.version)",
        subcommands: [
            ExecCommand.self,
            PingCommand.self,
            InventoryCommand.self,
            RunCommand.self,
            ReportCommand.self,
            CheckCommand.self,
            StateCommand.self,
            KeeperCommand.self,
            LabCommand.self,
            VersionCommand.self,
        ]
    )

    /// ArgumentParser's `main`, with one step more at the end: a first run that kept its
    /// sessions becomes their keeper there (`FirstRunSplit`).
    static func main() async {
        FirstRunSplit.splitIfFirstRun(CommandLine.arguments)
        FileLimit.raiseTowardHardLimit()
        do {
            var command = try parseAsRoot(nil)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            await FirstRunHandover.finish(exitCode: 0)
        } catch {
            if error is ExitCode { await FirstRunHandover.finish(exitCode: exitCode(for: error).rawValue) }
            exit(withError: error)
        }
    }
}
