/// Everything kept for one inventory at one moment: its captures and the last run per playbook.
public struct StateSnapshot: Sendable, Hashable {
    public var captures: [KeptCapture]
    public var runs: [RunRecord]

    public init(captures: [KeptCapture] = [], runs: [RunRecord] = []) {
        self.captures = captures
        self.runs = runs
    }

    /// The same state in a stable order (captures by host then name, runs by playbook), so the
    /// file and every listing come out the same however the values arrived.
    var sorted: StateSnapshot {
        StateSnapshot(
            captures: captures.sorted { ($0.host, $0.name) < ($1.host, $1.name) },
            runs: runs.sorted { $0.playbook < $1.playbook })
    }
}
