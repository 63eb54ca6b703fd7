/// `fleet inventory --graph`: the group tree drawn the way `ansible-inventory --graph` draws it,
/// so people coming from Ansible read it at once.
///
/// ```
/// @all:
///   |--@cluster:
///   |  |--@masters:
///   |  |  |--k8s-master
/// ```
///
/// Unlike Ansible, groups and hosts appear in inventory order rather than sorted by name, so the
/// tree reads like the file.
public enum InventoryGraph {
    /// - Parameters:
    ///   - root: the group to start from (`all`, or a group the user named).
    ///   - only: when given, only these hosts are drawn, and only groups that contain one of them.
    public static func render(_ inventory: Inventory, root: String = "all", only: Set<String>? = nil) -> String {
        var lines: [String] = []
        draw(root, depth: 0, in: inventory, only: only, into: &lines)
        return lines.map { $0 + "\n" }.joined()
    }

    private static func draw(_ group: String, depth: Int, in inventory: Inventory, only: Set<String>?, into lines: inout [String]) {
        lines.append(prefix(depth) + "@\(group):")
        for child in inventory.groupChildren[group] ?? [] {
            if let only, !(inventory.groupMembers[child] ?? []).contains(where: only.contains) { continue }
            draw(child, depth: depth + 1, in: inventory, only: only, into: &lines)
        }
        guard group != "all" else { return }
        for host in inventory.groupHosts[group] ?? [] where only?.contains(host) ?? true {
            lines.append(prefix(depth + 1) + host)
        }
    }

    private static func prefix(_ depth: Int) -> String {
        depth == 0 ? "" : String(repeating: "  |", count: depth) + "--"
    }
}
