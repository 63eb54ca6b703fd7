import ArgumentParser
import FleetConnect
import FleetCore
import FleetKeep
import FleetSSH
import Foundation

/// `--persist`: how long the run's SSH sessions stay open in the background keeper afterwards,
/// so the runs that follow within that time skip connecting and logging in.
///
/// On by default for a minute: running fleet again soon after (an ad-hoc command after a
/// playbook, a re-run of one group) is the common case, and a login is most of a short run's
/// time. `--persist 0` or `FLEET_PERSIST=0` turns it off.
struct PersistOption: ParsableArguments {
    /// Seconds sessions are kept when neither `--persist` nor `FLEET_PERSIST` says otherwise.
    static let defaultSeconds: Double = 60

    @Option(help: ArgumentHelp(
        "Keep SSH sessions open this long after the run for later runs to reuse (e.g. 60, 90s, 10m; 0 = off). Default: FLEET_PERSIST, else 60s.",
        valueName: "duration"))
    var persist: String?

    func validate() throws {
        if let persist, Self.seconds(persist) == nil {
            throw ValidationError("--persist must be a duration like 60, 90s, 10m or 1h (0 turns keeping off)")
        }
        if persist == nil, let value = Self.variable, Self.seconds(value) == nil {
            throw ValidationError("FLEET_PERSIST must be a duration like 60, 90s, 10m or 1h, or 0 for off (it is '\(value)')")
        }
    }

    /// Seconds to keep sessions; nil when they are not kept.
    var seconds: Double? {
        guard let text = persist ?? Self.variable else { return Self.defaultSeconds }
        guard let value = Self.seconds(text), value > 0 else { return nil }
        return value
    }

    /// Whether the user asked for kept sessions (flag or variable) rather than getting the default.
    var askedFor: Bool { persist != nil || Self.variable != nil }

    /// The run's transport: sessions borrowed from the keeper, or its own.
    func transport(options: SSHOptions, taskRunner: Bool) -> Transport {
        guard let seconds else { return SSHTransport(options: options, taskRunner: taskRunner) }
        if FirstRunHandover.isSplit {
            return HandoverTransport(options: options, taskRunner: taskRunner, persist: seconds)
        }
        return KeptTransport(options: options, taskRunner: taskRunner, persist: seconds, askedFor: askedFor,
                             notice: { Console.error("fleet: \($0)") })
    }

    /// `FLEET_PERSIST`; set but empty counts as not set.
    static var variable: String? {
        guard let value = ProcessInfo.processInfo.environment["FLEET_PERSIST"], !value.isEmpty else { return nil }
        return value
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
