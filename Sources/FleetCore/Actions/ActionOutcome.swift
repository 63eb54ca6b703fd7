/// What an action did on one host.
///
/// The scheduler registers `result` (for `register`, `capture`, `failed_when`), applies
/// `changed_when` over `changed`, and shows `summary`. A non-zero exit code is not thrown:
/// whether it fails the task is the scheduler's call (`failed_when`, `ignore_errors`).
public struct ActionOutcome: Sendable, Hashable {
    /// rc/stdout/stderr of what ran; synthesised for copy, fetch and wait_for (rc 0 and a short
    /// message in stdout on success, rc 1 and the reason in stderr on failure).
    public var result: RemoteResult
    public var changed: Bool
    /// One line for people: the command run, or "copied 1.2 KB to /etc/x (changed)".
    public var summary: String

    public init(result: RemoteResult, changed: Bool, summary: String) {
        self.result = result
        self.changed = changed
        self.summary = summary
    }

    /// A finished step that ran nothing remote worth reporting: rc 0 and `message` as stdout.
    static func succeeded(_ message: String, changed: Bool) -> ActionOutcome {
        ActionOutcome(result: RemoteResult(exitCode: 0, stdout: Array((message + "\n").utf8)), changed: changed, summary: message)
    }

    /// A step that failed on the host for a reason in words: rc 1 and `reason` as stderr.
    static func failed(_ reason: String) -> ActionOutcome {
        ActionOutcome(result: RemoteResult(exitCode: 1, stderr: Array((reason + "\n").utf8)), changed: false, summary: reason)
    }
}
