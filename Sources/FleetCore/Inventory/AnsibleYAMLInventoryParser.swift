import Yams

/// Reads Ansible's YAML inventory format unchanged:
///
/// ```yaml
/// all:
///   vars: { ansible_user: root }
///   children:
///     workers:
///       hosts:
///         node[1:2]: { ansible_port: 2222 }
/// ```
///
/// Top-level entries other than `all` are groups too, as Ansible reads them. Unlike Ansible,
/// which warns and goes on, an unknown key in a group is an error.
struct AnsibleYAMLInventoryParser {
    let file: YAMLFile

    func parse() throws -> InventoryDraft {
        var draft = InventoryDraft(path: file.path, collectsUngrouped: true)
        guard let root = file.root else { return draft }
        for entry in try file.mapping(root, what: "the inventory") {
            try readGroup(entry.key, keyNode: entry.keyNode, body: entry.value, into: &draft)
        }
        return draft
    }

    private func readGroup(_ name: String, keyNode: Node, body: Node, into draft: inout InventoryDraft) throws {
        draft.declareGroup(name, at: file.location(of: keyNode))
        if file.isEmptyValue(body) { return }
        let scope: InventoryDraft.Scope = name == "all" ? .all : .group(name)
        for field in try file.strictMapping(body, what: "group '\(name)'", allowed: InventoryFormat.ansibleGroupKeys) {
            switch field.key {
            case "hosts": try readHosts(field.value, group: name, into: &draft)
            case "vars": try file.readVariables(field.value, what: "vars of group '\(name)'", scope: scope, into: &draft)
            default:
                if file.isEmptyValue(field.value) { continue }
                for child in try file.mapping(field.value, what: "children of group '\(name)'") {
                    if child.key == "all" {
                        throw file.error("group 'all' cannot be a child of '\(name)'", at: child.keyNode,
                                         hint: "every group is already inside 'all'")
                    }
                    draft.addChild(child.key, to: name, at: file.location(of: child.keyNode))
                    try readGroup(child.key, keyNode: child.keyNode, body: child.value, into: &draft)
                }
            }
        }
    }

    private func readHosts(_ node: Node, group: String, into draft: inout InventoryDraft) throws {
        if file.isEmptyValue(node) { return }
        for entry in try file.mapping(node, what: "hosts of group '\(group)'") {
            let expansion = try file.hostNames(entry.keyNode, key: entry.key)
            for name in expansion.names {
                let location = file.location(of: entry.keyNode)
                draft.declareHost(name, in: group, at: location)
                if let port = expansion.port {
                    try draft.setSetting(.port, to: .int(port), key: "port", in: .host(name), at: location)
                }
                try file.readVariables(entry.value, what: "host '\(name)'", scope: .host(name), into: &draft)
            }
        }
    }
}
