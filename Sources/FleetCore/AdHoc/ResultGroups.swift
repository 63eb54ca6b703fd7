/// Hosts that produced exactly the same outcome, shown once (`k8s-node[1-2] (2) rc=0:`).
public struct ResultGroup: Sendable, Hashable {
    public var hosts: [String]
    public var outcome: HostOutcome
}

/// Groups identical outcomes: successes first (largest group first), then non-zero exits,
/// then other failures, then unreachable hosts, so problems end up next to the exit status.
public enum ResultGroups {
    public static func group(_ runs: [HostRun]) -> [ResultGroup] {
        var groups: [ResultGroup] = []
        var index: [HostOutcome: Int] = [:]
        for run in runs {
            if let position = index[run.outcome] {
                groups[position].hosts.append(run.host)
            } else {
                index[run.outcome] = groups.count
                groups.append(ResultGroup(hosts: [run.host], outcome: run.outcome))
            }
        }
        return groups.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element.outcome), rank(b.element.outcome))
            if ra != rb { return ra < rb }
            if a.element.hosts.count != b.element.hosts.count { return a.element.hosts.count > b.element.hosts.count }
            return a.offset < b.offset
        }.map(\.element)
    }

    private static func rank(_ outcome: HostOutcome) -> Int {
        switch outcome {
        case .completed(let result): return result.succeeded ? 0 : 1
        case .failed: return 2
        case .unreachable: return 3
        }
    }
}
