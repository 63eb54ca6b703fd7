import Yams

/// Reads fleet's own inventory format:
///
/// ```yaml
/// defaults: { user: root, port: 22, key: ~/.ssh/id_ed25519 }
/// vars: { pod_cidr: 10.244.0.0/16 }
/// groups:
///   workers:
///     vars: { node_role: worker }
///     hosts:
///       k8s-node1: { address: 192.168.1.2, port: 2222 }
///   cluster: { children: [workers] }
/// ```
///
/// Every mapping is strict: a key fleet does not know is an error listing the valid ones,
/// because a silently ignored `adress:` would send fleet to the wrong machine.
struct NativeInventoryParser {
    let file: YAMLFile

    static let defaultsKeys = ["user", "port", "key", "become", "known_hosts", "host_key_checking", "connect_timeout"]
    static let groupKeys = ["hosts", "vars", "children"]
    static let hostKeys = ["address", "port", "user", "key", "become", "known_hosts", "vars"]

    /// The connection setting each native key fills.
    static let settingKeys: [String: ConnectionField] = [
        "address": .address, "port": .port, "user": .user, "key": .key, "become": .become,
        "known_hosts": .knownHosts, "host_key_checking": .hostKeyPolicy, "connect_timeout": .connectTimeout,
    ]

    func parse() throws -> InventoryDraft {
        var draft = InventoryDraft(path: file.path, collectsUngrouped: false)
        guard let root = file.root, !file.isEmptyValue(root) else { return draft }
        for entry in try file.strictMapping(root, what: "the inventory", allowed: InventoryFormat.nativeTopKeys) {
            switch entry.key {
            case "defaults": try readDefaults(entry.value, into: &draft)
            case "vars": try file.readVariables(entry.value, what: "vars", scope: .all, into: &draft)
            default: try readGroups(entry.value, into: &draft)
            }
        }
        return draft
    }

    private func readDefaults(_ node: Node, into draft: inout InventoryDraft) throws {
        if file.isEmptyValue(node) { return }
        for entry in try file.strictMapping(node, what: "defaults", allowed: Self.defaultsKeys) {
            try draft.setSetting(Self.settingKeys[entry.key]!, to: file.settingValue(entry.value), key: entry.key,
                                 in: .defaults, at: file.location(of: entry.value))
        }
    }

    private func readGroups(_ node: Node, into draft: inout InventoryDraft) throws {
        if file.isEmptyValue(node) { return }
        for entry in try file.mapping(node, what: "groups") {
            let name = entry.key
            if name == "all" {
                throw file.error("'all' is implicit and cannot be declared as a group", at: entry.keyNode,
                                 hint: "put variables for every host in the top-level vars")
            }
            draft.declareGroup(name, at: file.location(of: entry.keyNode))
            if file.isEmptyValue(entry.value) { continue }
            for field in try file.strictMapping(entry.value, what: "group '\(name)'", allowed: Self.groupKeys) {
                switch field.key {
                case "hosts": try readHosts(field.value, group: name, into: &draft)
                case "vars":
                    try file.readVariables(field.value, what: "vars of group '\(name)'", scope: .group(name), into: &draft)
                default:
                    for child in try file.sequence(field.value, what: "children of group '\(name)'") {
                        let childName = try file.string(child, what: "a child group name")
                        draft.addChild(childName, to: name, at: file.location(of: child))
                    }
                }
            }
        }
    }

    private func readHosts(_ node: Node, group: String, into draft: inout InventoryDraft) throws {
        if file.isEmptyValue(node) { return }
        for entry in try file.mapping(node, what: "hosts of group '\(group)'") {
            let expansion = try file.hostNames(entry.keyNode, key: entry.key)
            for name in expansion.names {
                draft.declareHost(name, in: group, at: file.location(of: entry.keyNode))
                if let port = expansion.port {
                    try draft.setSetting(.port, to: .int(port), key: "port", in: .host(name), at: file.location(of: entry.keyNode))
                }
                if file.isEmptyValue(entry.value) { continue }
                for field in try file.strictMapping(entry.value, what: "host '\(name)'", allowed: Self.hostKeys) {
                    if field.key == "vars" {
                        try file.readVariables(field.value, what: "vars of host '\(name)'", scope: .host(name), into: &draft)
                    } else {
                        try draft.setSetting(Self.settingKeys[field.key]!, to: file.settingValue(field.value),
                                             key: field.key, in: .host(name), at: file.location(of: field.value))
                    }
                }
            }
        }
    }
}
