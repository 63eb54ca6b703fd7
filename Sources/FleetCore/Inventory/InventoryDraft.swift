/// What one inventory file declared, before groups are flattened and variables resolved.
///
/// The three parsers (native YAML, Ansible YAML, Ansible INI) only translate syntax into calls
/// on this type; the rules that must be the same for every format (connection variables,
/// conflicting host addresses, unknown children, cycles, precedence) live here and in
/// `InventoryResolver`, once.
struct InventoryDraft {
    /// A level at which settings and variables can be declared, lowest precedence first.
    enum Scope: Hashable {
        case defaults, all
        case group(String)
        case host(String)
    }

    struct Declarations {
        var settings: [ConnectionField: Located<VariableValue>] = [:]
        var vars: [String: VariableValue] = [:]
    }

    struct Group {
        let name: String
        let location: SourceLocation
        var hosts: [String] = []
        var children: [Located<String>] = []
        var declarations = Declarations()
    }

    struct HostEntry {
        let name: String
        let location: SourceLocation
        var declarations = Declarations()
    }

    let path: String
    /// Ansible puts hosts that belong to no group into "ungrouped"; native inventories have none.
    let collectsUngrouped: Bool
    var defaults = Declarations()
    var all = Declarations()
    private(set) var groupOrder: [String] = []
    private(set) var groups: [String: Group] = [:]
    private(set) var hostOrder: [String] = []
    private(set) var hosts: [String: HostEntry] = [:]
    /// Children declared on `all` itself (`[all:children]`), only checked to exist.
    private(set) var childrenOfAll: [Located<String>] = []

    init(path: String, collectsUngrouped: Bool) {
        self.path = path
        self.collectsUngrouped = collectsUngrouped
    }

    /// Makes sure group `name` exists; the first declaration fixes its place in inventory order.
    mutating func declareGroup(_ name: String, at location: SourceLocation) {
        guard name != "all", groups[name] == nil else { return }
        groups[name] = Group(name: name, location: location)
        groupOrder.append(name)
    }

    /// Adds host `name` to `group` (or only to the inventory when nil), once.
    mutating func declareHost(_ name: String, in group: String?, at location: SourceLocation) {
        if hosts[name] == nil {
            hosts[name] = HostEntry(name: name, location: location)
            hostOrder.append(name)
        }
        guard let group, group != "all" else { return }
        declareGroup(group, at: location)
        if !groups[group]!.hosts.contains(name) { groups[group]!.hosts.append(name) }
    }

    /// Records that `child` is a child group of `parent`; whether it exists is checked later.
    mutating func addChild(_ child: String, to parent: String, at location: SourceLocation) {
        let entry = Located(value: child, location: location)
        if parent == "all" {
            childrenOfAll.append(entry)
            return
        }
        declareGroup(parent, at: location)
        if !groups[parent]!.children.contains(where: { $0.value == child }) {
            groups[parent]!.children.append(entry)
        }
    }

    /// Sets a connection setting at `scope`, checking its value.
    ///
    /// On a host, a second different value is an error: a host listed under two groups with two
    /// addresses is a mistake fleet should not settle by picking one. Elsewhere the later wins.
    mutating func setSetting(
        _ field: ConnectionField, to raw: VariableValue, key: String,
        in scope: Scope, at location: SourceLocation
    ) throws {
        let value = Located(value: try field.normalize(raw, key: key, at: location), location: location)
        if case .host(let name) = scope, let earlier = hosts[name]?.declarations.settings[field],
           earlier.value != value.value {
            throw InputError(
                "host '\(name)' is given two different values for \(key): '\(earlier.value.text)' (at \(earlier.location)) and '\(value.value.text)'",
                at: location, hint: "give each host one \(key), or use two host names")
        }
        update(scope) { $0.settings[field] = value }
    }

    /// Sets variable `name` at `scope`; Ansible connection variables become settings.
    mutating func setVariable(
        _ name: String, to value: VariableValue, in scope: Scope, at location: SourceLocation
    ) throws {
        if let field = ConnectionField.forVariable(name) {
            try setSetting(field, to: value, key: name, in: scope, at: location)
        } else {
            update(scope) { $0.vars[name] = value }
        }
    }

    private mutating func update(_ scope: Scope, _ change: (inout Declarations) -> Void) {
        switch scope {
        case .defaults: change(&defaults)
        case .all, .group("all"): change(&all)
        case .group(let name): change(&groups[name]!.declarations)
        case .host(let name): change(&hosts[name]!.declarations)
        }
    }
}

/// A value with the place in a file where it was written, kept for later error messages.
struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    var value: Value
    var location: SourceLocation
}
