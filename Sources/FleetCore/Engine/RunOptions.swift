import Foundation

/// How `fleet run` was asked to run a playbook: everything on its command line except the
/// playbook and inventory themselves.
public struct RunOptions: Sendable {
    /// `--limit PATTERN`: intersected with every play's hosts.
    public var limit: String?
    /// `--serial`: replaces every play's `serial`.
    public var serial: [BatchSize]?
    /// `--forks`: hosts running a task at the same time.
    public var forks: Int
    /// `-e key=value`, highest precedence.
    public var extraVars: [String: VariableValue]
    /// `--check`: run nothing that changes a host; print what would run.
    public var checkMode: Bool
    /// `--start-at-task NAME`: skip every task before the first one with this name.
    public var startAtTask: String?
    /// `--retry-failed`: only the hosts that failed or were unreachable last time.
    public var retryFailed: Bool
    /// Send a host's next plain commands behind the running one (see `TaskPipelining`);
    /// `--no-pipelining` turns it off.
    public var pipelining: Bool

    public init(limit: String? = nil, serial: [BatchSize]? = nil, forks: Int = 50, extraVars: [String: VariableValue] = [:],
                checkMode: Bool = false, startAtTask: String? = nil, retryFailed: Bool = false, pipelining: Bool = true) {
        self.limit = limit
        self.serial = serial
        self.forks = forks
        self.extraVars = extraVars
        self.checkMode = checkMode
        self.startAtTask = startAtTask
        self.retryFailed = retryFailed
        self.pipelining = pipelining
    }
}

/// The run's sense of time, injectable so tests of `ttl` and `delay` need not wait.
public protocol RunClock: Sendable {
    func now() -> Date
    /// Waits `seconds` (throws when the run is cancelled).
    func sleep(seconds: Double) async throws
}

/// The wall clock.
public struct SystemRunClock: RunClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
