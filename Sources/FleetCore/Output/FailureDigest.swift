/// The end-of-run list of what went wrong: one line per distinct error with the hosts that
/// hit it, so 40 hosts failing the same way read as one problem, not 40.
///
///     failed on 2 hosts: k8s-node[1-2]: rc=100: E: Unable to locate package kubeadm (task 'install kubeadm')
///     unreachable on 1 host: k8s-node3: connect to 10.0.0.3 port 22 timed out after 10s (task 'install kubeadm')
public struct FailureDigest: Sendable {
    private struct Key: Hashable {
        var unreachable: Bool
        var task: String
        var error: String
    }

    private var order: [Key] = []
    private var hosts: [Key: [String]] = [:]

    public init() {}

    /// Notes `result` when it stopped its host (ignored failures are not problems).
    public mutating func add(_ result: RunEvent.HostResult) {
        guard result.status == .unreachable || (result.status == .failed && !result.ignored) else { return }
        let error = result.message.map(HostResultText.firstLine) ?? result.rc.map { "rc=\($0)" } ?? "failed"
        let key = Key(unreachable: result.status == .unreachable, task: result.task, error: error)
        if hosts[key] == nil { order.append(key); hosts[key] = [] }
        hosts[key]!.append(result.host)
    }

    public var isEmpty: Bool { order.isEmpty }

    /// One line per distinct error, in the order they first happened, each ending in `\n`.
    public func text(palette: Palette = .plain) -> String {
        order.map { key in
            let names = hosts[key] ?? []
            let what = "\(key.unreachable ? "unreachable" : "failed") on \(names.count) host\(names.count == 1 ? "" : "s")"
            return palette.paint(what, .failed) + ": \(HostRangeFormatter.format(names)): \(key.error) (task '\(key.task)')\n"
        }.joined()
    }
}
