/// How much of a run fleet prints: `-q`, nothing, `-v`, `-vv`.
public enum Verbosity: Int, Sendable, Comparable {
    /// Failures and the recap only.
    case quiet
    /// A line per task per host (or the live view on a terminal).
    case normal
    /// Also each task's output (its last lines; the logs have it all).
    case verbose
    /// Also what ran on the host.
    case debug

    /// From the command line: `-q` wins over `-v`.
    public init(verboseCount: Int, quiet: Bool) {
        if quiet { self = .quiet } else { self = [.normal, .verbose, .debug][min(max(verboseCount, 0), 2)] }
    }

    public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
}
