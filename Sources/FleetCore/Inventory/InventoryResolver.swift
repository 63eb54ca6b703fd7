import Foundation

/// Turns an `InventoryDraft` into an `Inventory`: checks the group graph, flattens membership
/// and applies variable precedence.
///
/// Precedence, lowest first: defaults, `all`, groups ordered by depth (a parent before its
/// children) and then by name as Ansible does, and finally the host itself.
struct InventoryResolver {
    let draft: InventoryDraft

    func resolve() throws -> Inventory {
        try checkChildrenExist()
        try checkNoCycles()

        var groupNames = draft.groupOrder
        var groupHosts = draft.groups.mapValues(\.hosts)
        var members = Dictionary(uniqueKeysWithValues: groupNames.map { ($0, membersOf($0)) })
        if draft.collectsUngrouped {
            let grouped = Set(members.filter { $0.key != "ungrouped" }.values.joined())
            let ungrouped = draft.hostOrder.filter { !grouped.contains($0) }
            if !ungrouped.isEmpty, !groupNames.contains("ungrouped") { groupNames.append("ungrouped") }
            if groupNames.contains("ungrouped") {
                groupHosts["ungrouped"] = ungrouped
                members["ungrouped"] = ungrouped
            }
        }
        members["all"] = draft.hostOrder

        var children = draft.groups.mapValues { $0.children.map(\.value) }
        let childNames = Set(children.values.joined())
        children["all"] = groupNames.filter { !childNames.contains($0) }
        if children["ungrouped"] == nil, members["ungrouped"] != nil { children["ungrouped"] = [] }

        let depths = depthOfGroups()
        let hosts = try draft.hostOrder.map { name in
            let groups = groupNames.filter { members[$0]!.contains(name) }
            return try resolveHost(name, groups: groups, depths: depths)
        }
        return Inventory(path: draft.path, hosts: hosts, groupNames: groupNames, groupMembers: members,
                         groupChildren: children, groupHosts: groupHosts)
    }

    // MARK: - Group graph

    private func knownGroupsHint() -> String {
        "known groups: " + (["all"] + draft.groupOrder).joined(separator: ", ")
    }

    private func checkChildrenExist() throws {
        let references = draft.childrenOfAll.map { (parent: "all", child: $0) }
            + draft.groupOrder.flatMap { name in draft.groups[name]!.children.map { (parent: name, child: $0) } }
        for (parent, child) in references {
            if child.value == "all" {
                throw InputError("group 'all' cannot be a child of '\(parent)'", at: child.location,
                                 hint: "every group is already inside 'all'")
            }
            if draft.groups[child.value] == nil {
                throw InputError("unknown child group '\(child.value)' in group '\(parent)'",
                                 at: child.location, hint: knownGroupsHint())
            }
        }
    }

    /// Depth-first search; a child already on the current path closes a cycle.
    private func checkNoCycles() throws {
        var finished = Set<String>()
        func visit(_ name: String, path: [String]) throws {
            if finished.contains(name) { return }
            for child in draft.groups[name]!.children {
                if let start = path.firstIndex(of: child.value) {
                    let cycle = (path[start...] + [child.value]).joined(separator: " -> ")
                    throw InputError("group cycle: \(cycle)", at: child.location,
                                     hint: "a group cannot contain itself through its children")
                }
                if child.value == name {
                    throw InputError("group cycle: \(name) -> \(name)", at: child.location,
                                     hint: "a group cannot contain itself through its children")
                }
                try visit(child.value, path: path + [child.value])
            }
            finished.insert(name)
        }
        for name in draft.groupOrder { try visit(name, path: [name]) }
    }

    /// Hosts of `group` and of all its descendants, in inventory order.
    private func membersOf(_ group: String) -> [String] {
        var found = Set<String>()
        var pending = [group]
        var seen = Set<String>()
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let entry = draft.groups[name] else { continue }
            found.formUnion(entry.hosts)
            pending.append(contentsOf: entry.children.map(\.value))
        }
        return draft.hostOrder.filter { found.contains($0) }
    }

    /// The longest distance from `all` to each group (top-level groups are 1), as Ansible counts.
    private func depthOfGroups() -> [String: Int] {
        var parents: [String: [String]] = [:]
        for name in draft.groupOrder {
            for child in draft.groups[name]!.children { parents[child.value, default: []].append(name) }
        }
        var depths: [String: Int] = [:]
        func depth(_ name: String) -> Int {
            if let known = depths[name] { return known }
            let result = 1 + ((parents[name] ?? []).map(depth).max() ?? 0)
            depths[name] = result
            return result
        }
        for name in draft.groupOrder { _ = depth(name) }
        return depths
    }

    // MARK: - Hosts

    private func resolveHost(_ name: String, groups: [String], depths: [String: Int]) throws -> Host {
        let ordered = groups
            .filter { draft.groups[$0] != nil }
            .sorted { (depths[$0] ?? 1, $0) < (depths[$1] ?? 1, $1) }
        let layers = [draft.defaults, draft.all]
            + ordered.map { draft.groups[$0]!.declarations }
            + [draft.hosts[name]!.declarations]

        var settings: [ConnectionField: VariableValue] = [:]
        var vars: [String: VariableValue] = [:]
        for layer in layers {
            settings.merge(layer.settings.mapValues(\.value)) { $1 }
            vars.merge(layer.vars) { $1 }
        }

        func string(_ field: ConnectionField) -> String? {
            if case .string(let s) = settings[field] { return s }
            return nil
        }
        var port = 22
        if case .int(let p) = settings[.port] { port = p }
        var become = false
        if case .bool(let b) = settings[.become] { become = b }
        var timeout: Double?
        if case .double(let t) = settings[.connectTimeout] { timeout = t }

        return Host(
            name: name, address: string(.address), port: port, user: string(.user),
            keyPath: string(.key).map(resolvePath), become: become,
            knownHostsPath: string(.knownHosts).map(resolvePath), hostKeyPolicy: string(.hostKeyPolicy),
            connectTimeout: timeout, groups: groups, vars: vars)
    }

    /// `~` expanded; a relative path taken from the inventory's folder, not the working directory,
    /// so an inventory can ship its key next to it.
    private func resolvePath(_ path: String) -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        let folder = URL(fileURLWithPath: draft.path).deletingLastPathComponent()
        return folder.appendingPathComponent(expanded).standardizedFileURL.path
    }
}
