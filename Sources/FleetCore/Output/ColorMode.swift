/// When fleet colours what it prints: `--color auto|always|never`.
///
/// `auto` follows the conventions people rely on to keep escape codes out of files and CI
/// logs: only a terminal gets colour, never a `TERM=dumb` one, and never when `NO_COLOR` is
/// set to something (an empty `NO_COLOR` counts as unset, as https://no-color.org says).
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether a stream gets colour.
    /// - Parameters:
    ///   - isTTY: the stream is a terminal.
    ///   - environment: the process environment (`TERM`, `NO_COLOR`).
    public func enabled(isTTY: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isTTY && !Self.isDumb(environment) && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }

    /// `TERM=dumb` terminals understand neither colour nor cursor movement.
    public static func isDumb(_ environment: [String: String]) -> Bool {
        environment["TERM"] == "dumb"
    }
}
