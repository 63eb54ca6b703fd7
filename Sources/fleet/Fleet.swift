import ArgumentParser

/// The `fleet` command: parses arguments and hands off to one subcommand per file in `Commands/`.
@main
struct Fleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run ordered playbooks and ad-hoc commands on many hosts over SSH.",
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
