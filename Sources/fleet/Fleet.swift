import ArgumentParser

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

    static func main() async { FileLimit.raiseTowardHardLimit(); await main(nil) }
}
