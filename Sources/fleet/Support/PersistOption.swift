import ArgumentParser
import FleetConnect
import FleetCore
import FleetKeep
import FleetSSH
import Foundation

/// `--persist`: keep the run's SSH sessions open in the background keeper afterwards, so the
/// next runs (within that time) skip connecting and logging in. Off unless asked for.
struct PersistOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Keep SSH sessions open this long after the run for later runs to reuse (e.g. 60, 90s, 10m; 0 = off). Default: FLEET_PERSIST, else off.",
        valueName: "duration"))
    var persist: String?

    func validate() throws {
        if let persist, Self.seconds(persist) == nil {
            throw ValidationError("--persist must be a duration like 60, 90s, 10m or 1h")
        }
        if persist == nil, let value = ProcessInfo.processInfo.environment["FLEET_PERSIST"], Self.seconds(value) == nil {
            throw ValidationError("FLEET_PERSIST must be a duration like 60, 90s, 10m or 1h (it is '\(value)')")
        }
    }

    /// Seconds to keep sessions; nil when they are not kept.
    var seconds: Double? {
        guard let text = persist ?? ProcessInfo.processInfo.environment["FLEET_PERSIST"],
              let value = Self.seconds(text), value > 0 else { return nil }
        return value
    }

    /// The run's transport: sessions borrowed from the keeper, or its own.
    func transport(options: SSHOptions, taskRunner: Bool) -> Transport {
        guard let seconds else { return SSHTransport(options: options, taskRunner: taskRunner) }
        return KeptTransport(options: options, taskRunner: taskRunner, persist: seconds,
                             notice: { Console.error("fleet: \($0)") })
    }

    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            return Double(trimmed.dropLast()).flatMap { $0 >= 0 ? $0 * factor : nil }
        }
        return Double(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }
}
