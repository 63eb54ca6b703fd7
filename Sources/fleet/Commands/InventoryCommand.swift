import ArgumentParser
import FleetCore
import Foundation

/// `fleet inventory -i INV [PATTERN]`: shows what fleet understood of an inventory (hosts,
/// groups, resolved variables) without connecting to anything.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List hosts, groups and resolved variables of an inventory.",
        discussion: "Reads fleet YAML, Ansible YAML or Ansible INI inventories. Exit code 65 when the inventory or pattern is invalid.")

    @Option(name: [.customShort("i"), .long], help: "The inventory file.")
    var inventory: String

    @Argument(help: "Host pattern: all, group, host, globs, a:b, a:&b, a:!b.")
    var pattern: String = "all"

    @Flag(help: "Print the group tree, like ansible-inventory --graph.")
    var graph = false

    @Flag(help: "Print one JSON object with hosts and groups.")
    var json = false

    func validate() throws {
        if graph && json { throw ValidationError("--graph and --json cannot be combined") }
    }

    func run() throws {
        do {
            let loaded = try Inventory.load(path: inventory)
            let hosts = try loaded.select(pattern)
            if json {
                print(InventoryJSON.render(hosts, of: loaded), terminator: "")
            } else if graph {
                let isGroup = pattern == "all" || loaded.groupNames.contains(pattern)
                let output = isGroup
                    ? InventoryGraph.render(loaded, root: pattern)
                    : InventoryGraph.render(loaded, only: Set(hosts.map(\.name)))
                print(output, terminator: "")
            } else {
                print(InventoryListing.render(hosts), terminator: "")
            }
        } catch let error as InputError {
            FileHandle.standardError.write(Data((error.errorDescription! + "\n").utf8))
            throw ExitCode(65)
        }
    }
}
