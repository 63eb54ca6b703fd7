/// `fleet inventory`'s default output: one block per host with where fleet will connect,
/// as whom, the groups it is in and its resolved variables, so a user can check precedence
/// before running anything.
///
/// ```
/// k8s-node2 192.168.1.3:2222
///   user: root
///   groups: workers, cluster
///   vars:
///     node_role: worker
/// ```
public enum InventoryListing {
    public static func render(_ hosts: [Host]) -> String {
        hosts.map(block).joined()
    }

    static func block(_ host: Host) -> String {
        var lines = ["\(host.name) \(host.address):\(host.port)"]
        lines.append("  user: \(host.user ?? "(current user)")")
        lines.append("  groups: \(host.groups.isEmpty ? "(none)" : host.groups.joined(separator: ", "))")
        if let key = host.keyPath { lines.append("  key: \(key)") }
        if host.become { lines.append("  become: true") }
        if let knownHosts = host.knownHostsPath { lines.append("  known_hosts: \(knownHosts)") }
        if let policy = host.hostKeyPolicy { lines.append("  host_key_checking: \(policy)") }
        if let timeout = host.connectTimeout { lines.append("  connect_timeout: \(timeout)") }
        if host.vars.isEmpty {
            lines.append("  vars: (none)")
        } else {
            lines.append("  vars:")
            for name in host.vars.keys.sorted() {
                lines.append("    \(name): \(host.vars[name]!.text)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
