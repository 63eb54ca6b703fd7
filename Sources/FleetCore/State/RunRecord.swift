import Foundation

/// What the last run of a playbook left behind, so `--retry-failed` knows which hosts to re-run.
///
/// Only the last run of each playbook is kept: an older one would name hosts that have since
/// been fixed or have failed differently.
public struct RunRecord: Codable, Sendable, Hashable {
    public var runID: String
    /// The absolute path of the playbook, the key runs are kept under.
    public var playbook: String
    public var startedAt: Date
    public var finishedAt: Date
    public var failedHosts: [String]
    public var unreachableHosts: [String]
    public var okHosts: [String]

    public init(
        runID: String, playbook: String, startedAt: Date, finishedAt: Date,
        failedHosts: [String] = [], unreachableHosts: [String] = [], okHosts: [String] = []
    ) {
        self.runID = runID
        self.playbook = playbook
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.failedHosts = failedHosts
        self.unreachableHosts = unreachableHosts
        self.okHosts = okHosts
    }

    /// The hosts `--retry-failed` re-runs: those that failed a task or could not be reached.
    public var hostsToRetry: [String] { failedHosts + unreachableHosts.filter { !failedHosts.contains($0) } }
}
