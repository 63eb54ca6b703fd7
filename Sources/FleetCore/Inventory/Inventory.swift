import Foundation

/// The hosts fleet may drive and the groups they form, read from one inventory file.
///
/// Native fleet YAML, Ansible YAML and Ansible INI all load into this one shape, so nothing
/// past loading knows or cares which format the user brought.
public struct Inventory: Sendable {
    /// The file it was read from, as given.
    public let path: String
    /// Every host, in inventory order, each once.
    public let hosts: [Host]
    /// Group name → host names in inventory order, including hosts of child groups; has "all".
    public let groupMembers: [String: [String]]
    /// Group name → child group names in inventory order; "all" lists the top-level groups.
    public let groupChildren: [String: [String]]
    /// Group name → hosts listed directly in it (not through children), for the group tree.
    public let groupHosts: [String: [String]]
    /// Group names in inventory order, without "all".
    public let groupNames: [String]

    init(path: String, hosts: [Host], groupNames: [String], groupMembers: [String: [String]],
         groupChildren: [String: [String]], groupHosts: [String: [String]]) {
        self.path = path
        self.hosts = hosts
        self.groupNames = groupNames
        self.groupMembers = groupMembers
        self.groupChildren = groupChildren
        self.groupHosts = groupHosts
    }

    /// Reads the inventory at `path`, detecting its format (see `InventoryFormat`).
    /// - Throws: `InputError` with `file:line:col` for anything wrong in the file.
    public static func load(path: String) throws -> Inventory {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("cannot read inventory \(path): \(error.localizedDescription)")
        }
        return try parse(text: text, path: path)
    }

    /// Parses inventory `text` as if read from `path` (used for messages, format detection by
    /// extension, and resolving relative key paths).
    public static func parse(text: String, path: String) throws -> Inventory {
        let draft: InventoryDraft
        switch try InventoryFormat.detect(text: text, path: path) {
        case .native(let yaml): draft = try NativeInventoryParser(file: yaml).parse()
        case .ansibleYAML(let yaml): draft = try AnsibleYAMLInventoryParser(file: yaml).parse()
        case .ansibleINI: draft = try AnsibleINIInventoryParser(path: path, text: text).parse()
        }
        return try InventoryResolver(draft: draft).resolve()
    }

    /// The host called `name`, if the inventory has one.
    public func host(named name: String) -> Host? {
        hosts.first { $0.name == name }
    }

    /// The hosts an Ansible host pattern selects, in inventory order.
    ///
    /// `all`/`*`, group and host names, globs (`web*`, `db?`), `~regex`, subscripts
    /// (`workers[0]`, `workers[0:1]`), unions `a:b` / `a,b`, intersections `a:&b` and
    /// exclusions `a:!b`. Unions apply first, then intersections, then exclusions, as in Ansible.
    /// - Throws: `InputError` naming the part that matches no host and listing the known groups.
    public func select(_ pattern: String) throws -> [Host] {
        try HostPattern(pattern).select(in: self)
    }

    /// Like `select(_:)`, for a pattern written in a file (a play's `hosts:`), so errors point there.
    public func select(_ pattern: String, at location: SourceLocation?) throws -> [Host] {
        try HostPattern(pattern).select(in: self, at: location)
    }
}
