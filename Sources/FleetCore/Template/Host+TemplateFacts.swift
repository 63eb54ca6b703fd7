/// What templates see of a host before any of its variables: its inventory name and how
/// fleet reaches it.
///
/// One list for `host` (this host) and for the host objects of `hosts['x']` and
/// `groups.g[i]`, read by both the run-time scope (`HostScope`) and the checker
/// (`VariableTable`), so `host.address` and `groups.cluster[1].address` mean the same thing
/// and `fleet check` accepts exactly what a run can render. Inventory variables of the same
/// name take precedence, as built-ins are the lowest layer.
extension Host {
    var templateFacts: [String: VariableValue] {
        [
            "name": .string(name),
            "inventory_hostname": .string(name),
            "address": .string(address),
            "port": .int(port),
            "groups": .list(groups.map { .string($0) }),
        ]
    }
}
