import ArgumentParser
import FleetCore
import Foundation

/// Where the CLI writes: results to stdout, progress and errors to stderr (DESIGN section 2).
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Loads an inventory and selects `pattern`; invalid input is printed and exits 65 before
    /// anything connects.
    static func hosts(inventory path: String, pattern: String) throws -> [FleetCore.Host] {
        do {
            return try Inventory.load(path: path).select(pattern)
        } catch let error as InputError {
            Console.error(error.errorDescription!)
            throw ExitCode(FleetExitCode.invalidInput)
        }
    }
}
