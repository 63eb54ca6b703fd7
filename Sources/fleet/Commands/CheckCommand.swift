import ArgumentParser
import FleetCore
import Foundation

/// `fleet check PLAYBOOK -i INV`: validates a playbook against an inventory without
/// connecting: syntax, keys, types, host patterns, undefined variables, captures read before
/// they are produced, missing local files.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a playbook against an inventory without connecting.",
        discussion: "Prints every problem as file:line:col: error: message. Exit code 65 when there is any.")

    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: [.customShort("i"), .long], help: "The inventory file.")
    var inventory: String

    @Option(name: [.customShort("e"), .customLong("extra-vars")],
            help: "A variable as key=value (highest precedence); a value starting with { or [ is read as JSON.")
    var extraVars: [String] = []

    func run() throws {
        let variables: [String: VariableValue]
        do {
            variables = try ExtraVariables.parse(extraVars)
        } catch let error as InputError {
            throw ValidationError(error.message)
        }
        let errors: [InputError]
        let summary: String
        do {
            let loadedInventory = try Inventory.load(path: inventory)
            let loadedPlaybook = try PlaybookParser.load(path: playbook)
            errors = PlaybookChecker(playbook: loadedPlaybook, inventory: loadedInventory, extraVars: variables).check()
            let hosts = Set(loadedPlaybook.plays.flatMap { (try? loadedInventory.select($0.hosts)) ?? [] }.map(\.name))
            let tasks = loadedPlaybook.plays.reduce(0) { $0 + $1.tasks.count }
            summary = "ok: \(loadedPlaybook.plays.count) plays, \(tasks) tasks, \(hosts.count) hosts"
        } catch let error as InputError {
            errors = [error]
            summary = ""
        }
        guard errors.isEmpty else {
            for error in errors { FileHandle.standardError.write(Data((error.errorDescription! + "\n").utf8)) }
            throw ExitCode(65)
        }
        print(summary)
    }
}
