/// The top-level names a template can read on one host at one point of the playbook, with
/// fleet's precedence, lowest first: built-ins, inventory variables, play vars, registered
/// and captured values of earlier tasks, `-e`.
///
/// The scheduler's scope answers the same names at run time; keeping this table beside the
/// checker (not in it) lets both be read side by side.
struct VariableTable {
    var names: [String: StaticValue]

    init(host: Host, play: Play, produced: ProducedVariables, extraVars: [String: VariableValue]) {
        var names: [String: StaticValue] = [
            "host": StaticValue(.map(host.templateFacts)),
            "inventory_hostname": .value(.string(host.name)),
            // Checked separately, per referenced host, by `CrossHostReference`.
            "hosts": .opaque,
            "groups": .opaque,
        ]
        for (name, value) in host.vars { names[name] = StaticValue(value) }
        for (name, value) in play.vars { names[name] = StaticValue(value) }
        for (name, producer) in produced.produced(on: host.name) { names[name] = producer.value }
        for (name, value) in extraVars { names[name] = StaticValue(value) }
        self.names = names
    }

    /// Adds the current task's own result, readable in `until`, `changed_when` and
    /// `failed_when` as `result` and under its `register` name.
    mutating func addResult(of task: PlayTask) {
        names["result"] = .registered
        if let name = task.register { names[name] = .registered }
    }

    /// What another host shows through `hosts['x']` and `groups.g[i]`: its template facts
    /// (`name`, `address`, ...), its inventory variables and what earlier tasks produced on it.
    static func hostObject(_ host: Host, produced: ProducedVariables) -> [String: StaticValue] {
        var fields = host.templateFacts.mapValues { StaticValue($0) }
        for (name, value) in host.vars { fields[name] = StaticValue(value) }
        for (name, producer) in produced.produced(on: host.name) { fields[name] = producer.value }
        return fields
    }
}
