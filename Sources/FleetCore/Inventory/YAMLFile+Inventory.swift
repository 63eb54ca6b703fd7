import Yams

/// Reading steps the native and the Ansible YAML inventory parsers share.
extension YAMLFile {
    /// Whether `node` is an empty value (`key:` with nothing after it, `~`, `null`): an empty
    /// group or host is allowed and common in both formats.
    func isEmptyValue(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
    }

    /// The value to check for a connection setting: a scalar's text exactly as written (so
    /// `1.10` stays `1.10`), anything else as a variable value, to be rejected by the setting.
    func settingValue(_ node: Node) -> VariableValue {
        if isEmptyValue(node) { return .null }
        if let scalar = node.scalar { return .string(scalar.string) }
        return YAMLFile.value(of: node)
    }

    /// Reads a `vars:` mapping into `scope`; Ansible connection variables become settings.
    ///
    /// YAML merge keys (`<<: *common`), which Ansible inventories use to share variables, are
    /// applied first so the mapping's own keys override them.
    func readVariables(_ node: Node, what: String, scope: InventoryDraft.Scope, into draft: inout InventoryDraft) throws {
        if isEmptyValue(node) { return }
        let entries = try mapping(node, what: what)
        for merge in entries where merge.key == "<<" {
            let sources = merge.value.sequence.map(Array.init) ?? [merge.value]
            for source in sources { try readVariables(source, what: "a merged mapping (<<)", scope: scope, into: &draft) }
        }
        for entry in entries where entry.key != "<<" {
            let value = ConnectionField.forVariable(entry.key) == nil ? YAMLFile.value(of: entry.value) : settingValue(entry.value)
            try draft.setVariable(entry.key, to: value, in: scope, at: location(of: entry.value))
        }
    }

    /// Host names an entry key declares (ranges expanded) and the port it carries, if any.
    func hostNames(_ keyNode: Node, key: String) throws -> HostNameExpansion.Result {
        try HostNameExpansion.expand(key, at: location(of: keyNode))
    }
}
