import Yams

/// Which of the three inventory formats a file is written in, decided from its content.
///
/// People bring Ansible inventories unchanged and often without a telling extension (`hosts`),
/// so detection looks at the structure: INI when the extension says so or the text is not a YAML
/// mapping; Ansible YAML when the top is `all:` or every top entry is a group in Ansible's
/// shape (`hosts` / `children` / `vars`); native otherwise, so that a typo in a native file is
/// reported against the native keys.
enum InventoryFormat {
    case native(YAMLFile)
    case ansibleYAML(YAMLFile)
    case ansibleINI

    static let nativeTopKeys = ["defaults", "vars", "groups"]
    static let ansibleGroupKeys = ["hosts", "children", "vars"]

    static func detect(text: String, path: String) throws -> InventoryFormat {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".ini") || lowered.hasSuffix(".cfg") { return .ansibleINI }
        let saysYAML = lowered.hasSuffix(".yml") || lowered.hasSuffix(".yaml")

        let yaml: YAMLFile
        do {
            yaml = try YAMLFile(path: path, text: text)
        } catch {
            if saysYAML { throw error }
            return .ansibleINI
        }
        guard let root = yaml.root, case .mapping(let top) = root else {
            if saysYAML, yaml.root != nil {
                throw yaml.error("an inventory must be a mapping with \(nativeTopKeys.joined(separator: ", ")) or Ansible's all:",
                                 at: yaml.root)
            }
            return saysYAML ? .native(yaml) : .ansibleINI
        }
        let keys = top.keys.compactMap { $0.scalar?.string }
        if keys.contains(where: { ["defaults", "groups"].contains($0) }) { return .native(yaml) }
        if keys.contains("all") || (!top.isEmpty && top.values.allSatisfy(looksLikeAnsibleGroup)) {
            return .ansibleYAML(yaml)
        }
        return .native(yaml)
    }

    private static func looksLikeAnsibleGroup(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return s.string.isEmpty || s.string == "~" || s.string == "null" }
        guard case .mapping(let map) = node, !map.isEmpty else { return false }
        return map.keys.allSatisfy { ansibleGroupKeys.contains($0.scalar?.string ?? "") }
    }
}
