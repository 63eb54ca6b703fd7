import FleetKeep
import Foundation

/// Decides, before the arguments are parsed, whether this process is a first run that will
/// keep its own sessions (`FirstRunHandover`), and forks then.
///
/// It has to be decided first thing, while the process has one thread, so it reads the
/// command line roughly: a wrong guess costs little. A fork that was not needed (the
/// arguments turn out to be invalid, say) only leaves the parent waiting for the child's exit
/// code; no fork where one could have been only means the run starts a keeper as before.
enum FirstRunSplit {
    /// The commands that open sessions and keep them (`--persist`).
    static let keepingCommands: Set<String> = ["run", "exec"]

    static func splitIfFirstRun(_ arguments: [String]) {
        guard arguments.count > 1, keepingCommands.contains(arguments[1]), keepsSessions(arguments) else { return }
        let environment = ProcessInfo.processInfo.environment
        _ = FirstRunHandover.splitIfNoKeeper(place: .standard(environment: environment), environment: environment)
    }

    /// Whether `--persist` (its last value, before `--`), else `FLEET_PERSIST`, leaves keeping on.
    static func keepsSessions(_ arguments: [String]) -> Bool {
        var value: String?
        var index = 2
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            if argument == "--persist", index + 1 < arguments.count {
                value = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--persist=") {
                value = String(argument.dropFirst("--persist=".count))
            }
            index += 1
        }
        guard let text = value ?? PersistOption.variable else { return true }
        return (PersistOption.seconds(text) ?? 0) > 0
    }
}
