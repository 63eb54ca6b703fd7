import ArgumentParser
import FleetCore
import Foundation

/// `fleet state -i INV [list] [--json]` and `fleet state -i INV forget NAME [--host H]`: what an
/// inventory keeps between runs (captured values with age and expiry, the last run of each
/// playbook), and a way to drop a kept value so the next run captures it afresh.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or forget the captured values kept for an inventory.",
        discussion: "State lives in .fleet/state.json beside the inventory. Secret values are stored there (mode 0600) but always shown as ••••.",
        subcommands: [List.self, Forget.self],
        defaultSubcommand: List.self)

    /// Parsed here, not in each subcommand, so `-i INV` may come before or after `forget`.
    @OptionGroup var options: Options

    /// The inventory whose state is shown; shared by both subcommands.
    struct Options: ParsableArguments {
        /// Optional to the parser and required here: a required option of the parent made
        /// `fleet state list --help` fail on it and print the parent's help instead.
        @Option(name: [.customShort("i"), .long], help: "The inventory file (required).")
        var inventory: String?

        /// A usage error (exit 64) without `-i`. Each subcommand calls it from `validate()`, so
        /// the usage line printed with it is that subcommand's, not the root command's.
        func requiredInventory() throws -> String {
            guard let inventory else {
                throw ValidationError("Missing expected argument '-i, --inventory <inventory>': the inventory file the runs used")
            }
            return inventory
        }

        /// The inventory path, after checking the file exists (exit 65 otherwise): state is kept
        /// beside an inventory, so a mistyped path must not show an empty state as if it were real.
        func existingInventory() throws -> String {
            let inventory = try requiredInventory()
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: inventory, isDirectory: &isFolder), !isFolder.boolValue else {
                throw StateCommand.fail(InputError("inventory \(inventory) does not exist", hint: "pass the inventory file the runs used, with -i"))
            }
            return inventory
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List kept captures (host, name, value, task, age, expiry) and the last run per playbook.")

        @ParentCommand var state: StateCommand

        @Flag(help: "Print one JSON object with captures and runs (secret values masked).")
        var json = false

        func validate() throws { _ = try state.options.requiredInventory() }

        func run() throws {
            let inventory = try state.options.existingInventory()
            let snapshot: StateSnapshot
            do {
                snapshot = try StateStore.read(inventoryPath: inventory)
            } catch {
                throw StateCommand.fail(error)
            }
            print(json ? StateListing.json(snapshot) : StateListing.render(snapshot), terminator: "")
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget",
            abstract: "Remove kept captures called NAME, so the next run captures them again.")

        @ParentCommand var state: StateCommand

        @Argument(help: "The capture name (its `as:`).")
        var name: String

        @Option(help: "Only forget the value kept for this host.")
        var host: String?

        func validate() throws { _ = try state.options.requiredInventory() }

        func run() throws {
            let inventory = try state.options.existingInventory()
            let removed: Int
            let kept: [KeptCapture]
            do {
                let store = try StateStore.open(inventoryPath: inventory)
                defer { store.close() }
                removed = try store.forget(name: name, host: host)
                kept = store.captures()
            } catch {
                throw StateCommand.fail(error)
            }
            guard removed > 0 else {
                let target = host.map { "'\(name)' for host \($0)" } ?? "'\(name)'"
                let names = kept.map { "\($0.name) (\($0.host))" }
                let listing = names.isEmpty ? "nothing is kept for this inventory" : "kept: " + names.joined(separator: ", ")
                FileHandle.standardError.write(Data("error: no kept capture \(target); \(listing)\n".utf8))
                throw ExitCode.failure
            }
            print("Forgot \(removed) kept capture\(removed == 1 ? "" : "s") named '\(name)'\(host.map { " for host \($0)" } ?? "").")
        }
    }

    /// Prints `error` on stderr and gives the exit code: 65 for input that cannot be used (a missing
    /// inventory, an unreadable or newer state file), 1 for anything else (lock held, I/O).
    static func fail(_ error: Error) -> ExitCode {
        FileHandle.standardError.write(Data(((error as? LocalizedError)?.errorDescription ?? "error: \(error)").utf8 + [0x0A]))
        switch error {
        case is InputError, StateError.corrupt, StateError.newerVersion: return ExitCode(65)
        default: return ExitCode.failure
        }
    }
}
