/// A read of another host's variables: `hosts['k8s-master'].join_command` or
/// `groups.masters[0].join_command`.
///
/// These are how one play uses what another play captured, so they get their own check: the
/// host (or group and index) must exist in the inventory, and the variable must be an
/// inventory variable of that host or be produced on it by an earlier task.
struct CrossHostReference {
    /// What is wrong with a reference, if anything.
    enum Problem: Equatable {
        /// The host, group or index does not exist.
        case badTarget(message: String, suggestion: String?)
        /// Nothing earlier produces `name` on `host`; `spelled` is the path up to the name.
        case notProduced(host: String, name: String, spelled: VariablePath)
        /// The variable exists but the path goes on into something it does not have.
        case inside(reason: String)
    }

    let inventory: Inventory
    let produced: ProducedVariables

    /// Checks `path` when its root is `hosts` or `groups`; nil when it is fine or not such a path.
    func problem(with path: VariablePath) -> Problem? {
        let components = path.components
        guard components.count >= 2 else { return nil }
        let host: Host
        let rest: ArraySlice<String>
        switch components[0] {
        case "hosts":
            guard let found = inventory.host(named: components[1]) else {
                return .badTarget(message: "the inventory has no host '\(components[1])'",
                                  suggestion: NameSuggestion.closest(to: components[1], among: inventory.hosts.map(\.name)))
            }
            host = found
            rest = components.dropFirst(2)
        case "groups":
            let group = components[1]
            guard let members = inventory.groupMembers[group] else {
                return .badTarget(message: "the inventory has no group '\(group)'",
                                  suggestion: NameSuggestion.closest(to: group, among: ["all"] + inventory.groupNames))
            }
            guard components.count >= 3 else { return nil }
            if components[2] == VariablePath.everyItem {
                // `groups.g | map(attribute='x')`: every member must have x.
                for index in members.indices {
                    var each = components
                    each[2] = String(index)
                    if let problem = problem(with: VariablePath(each)) { return problem }
                }
                return nil
            }
            guard let index = Int(components[2]) else {
                return .badTarget(message: "groups.\(group) is a list of hosts: index it with a number, as in groups.\(group)[0]",
                                  suggestion: nil)
            }
            guard members.indices.contains(index) else {
                return .badTarget(message: "group '\(group)' has \(members.count) host\(members.count == 1 ? "" : "s"), so no [\(index)]",
                                  suggestion: nil)
            }
            host = inventory.host(named: members[index])!
            rest = components.dropFirst(3)
        default:
            return nil
        }
        guard let name = rest.first else { return nil }
        let spelled = VariablePath(Array(components.prefix(components.count - rest.count + 1)))
        guard let value = VariableTable.hostObject(host, produced: produced)[name] else {
            return .notProduced(host: host.name, name: name, spelled: spelled)
        }
        return value.resolve(rest.dropFirst(), spelled: spelled).map { .inside(reason: $0.reason) }
    }
}
