/// The variables one host's task sees at run time, with the precedence `PlaybookChecker`'s
/// `VariableTable` describes (lowest first): built-ins, inventory variables, play vars,
/// values registered and captured on this host, the task's own result, `-e`.
///
/// Built from a snapshot of what every host has produced so far, taken after the task's
/// cross-host reads were waited for (`DataflowResolver`), so a lookup never blocks.
/// `hosts['x']` and `groups.g[i]` are host objects: the host's `templateFacts` (`name`,
/// `inventory_hostname`, `address`, `port`, `groups`), its inventory variables, and what it
/// registered or captured in this run (or what kept state supplied for it).
struct HostScope: VariableScope {
    let host: Host
    let inventory: Inventory
    let playVars: [String: VariableValue]
    let extraVars: [String: VariableValue]
    /// Host name → name → value registered or captured (or taken from kept state).
    let produced: [String: [String: VariableValue]]
    /// Host name → names whose values are secret.
    let secretNames: [String: Set<String>]
    /// `result` and the task's `register` name, inside `until`, `changed_when`, `failed_when`.
    var resultLayer: [String: VariableValue] = [:]
    /// The run's secrets, which text made from a secret joins (nil: not kept, in checks).
    var secrets: SecretBook? = nil

    func noteSecretText(_ text: String) {
        secrets?.insert(text)
    }

    func lookup(_ name: String) throws -> VariableValue? {
        if let value = layeredValue(name) { return value }
        switch name {
        case "host":
            return .map(host.templateFacts)
        case "inventory_hostname":
            return .string(host.name)
        case "hosts":
            return .map(Dictionary(uniqueKeysWithValues: inventory.hosts.map { ($0.name, hostObject($0)) }))
        case "groups":
            var groups: [String: VariableValue] = [:]
            for (group, members) in inventory.groupMembers {
                groups[group] = .list(members.compactMap { inventory.host(named: $0) }.map(hostObject))
            }
            return .map(groups)
        default:
            return nil
        }
    }

    /// One group's or one host's entry, building only the host objects it holds.
    func lookup(_ name: String, key: String) throws -> VariableValue? {
        guard layeredValue(name) == nil else { return nil }
        switch name {
        case "hosts":
            return inventory.host(named: key).map(hostObject)
        case "groups":
            return inventory.groupMembers[key].map { members in
                .list(members.compactMap { inventory.host(named: $0) }.map(hostObject))
            }
        default:
            return nil
        }
    }

    /// A name's value from the layers above the built-ins, highest precedence first.
    private func layeredValue(_ name: String) -> VariableValue? {
        extraVars[name] ?? resultLayer[name] ?? produced[host.name]?[name] ?? playVars[name] ?? host.vars[name]
    }

    var knownNames: [String] {
        var names = Set(["host", "inventory_hostname", "hosts", "groups"])
        for layer in [extraVars, resultLayer, produced[host.name] ?? [:], playVars, host.vars] { names.formUnion(layer.keys) }
        return names.sorted()
    }

    func isSecret(_ path: VariablePath) -> Bool {
        let components = path.components
        guard let root = components.first else { return false }
        switch root {
        case "hosts" where extraVars[root] == nil:
            guard components.count >= 2 else { return secretNames.values.contains { !$0.isEmpty } }
            return isSecret(host: components[1], rest: components.dropFirst(2))
        case "groups" where extraVars[root] == nil:
            guard components.count >= 2, let members = inventory.groupMembers[components[1]] else {
                return secretNames.values.contains { !$0.isEmpty }
            }
            guard components.count >= 3, let index = Int(components[2]), members.indices.contains(index) else {
                return members.contains { !(secretNames[$0] ?? []).isEmpty }
            }
            return isSecret(host: members[index], rest: components.dropFirst(3))
        default:
            return extraVars[root] == nil && resultLayer[root] == nil && (secretNames[host.name] ?? []).contains(root)
        }
    }

    private func isSecret(host name: String, rest: ArraySlice<String>) -> Bool {
        let secrets = secretNames[name] ?? []
        guard let variable = rest.first else { return !secrets.isEmpty }
        return secrets.contains(variable)
    }

    private func hostObject(_ other: Host) -> VariableValue {
        var fields = other.templateFacts
        for (name, value) in other.vars { fields[name] = value }
        for (name, value) in produced[other.name] ?? [:] { fields[name] = value }
        return .map(fields)
    }
}
