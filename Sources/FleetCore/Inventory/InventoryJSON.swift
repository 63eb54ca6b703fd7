/// `fleet inventory --json`: the selected hosts and their groups as one JSON object.
///
/// ```json
/// { "groups": { "all": ["k8s-master"], ... },
///   "hosts": { "k8s-master": { "address": "...", "groups": [...], "port": 22, "user": "root", "vars": {...} } } }
/// ```
///
/// Written by hand rather than through `JSONSerialization` so the text is byte-for-byte the same
/// on every platform (sorted keys, two-space indent): scripts and tests diff it.
public enum InventoryJSON {
    /// - Parameters:
    ///   - hosts: the hosts to show (usually `inventory.select(pattern)`).
    ///   - inventory: where group membership comes from; groups list only the shown hosts,
    ///     and groups with none of them are left out (except `all`).
    public static func render(_ hosts: [Host], of inventory: Inventory) -> String {
        let shown = Set(hosts.map(\.name))
        var hostObjects: [String: VariableValue] = [:]
        for host in hosts {
            hostObjects[host.name] = .map([
                "address": .string(host.address),
                "port": .int(host.port),
                "user": host.user.map(VariableValue.string) ?? .null,
                "groups": .list(host.groups.map(VariableValue.string)),
                "vars": .map(host.vars),
            ])
        }
        var groupObjects: [String: VariableValue] = [:]
        for group in ["all"] + inventory.groupNames {
            let members = (inventory.groupMembers[group] ?? []).filter(shown.contains)
            if group == "all" || !members.isEmpty { groupObjects[group] = .list(members.map(VariableValue.string)) }
        }
        return text(of: .map(["hosts": .map(hostObjects), "groups": .map(groupObjects)]), indent: "") + "\n"
    }

    /// JSON text for `value`, objects with sorted keys, nested lines indented by two spaces.
    static func text(of value: VariableValue, indent: String) -> String {
        let inner = indent + "  "
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .string(let s): return quoted(s)
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + text(of: $0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .map(let dict):
            if dict.isEmpty { return "{}" }
            return "{\n" + dict.keys.sorted().map { key in
                inner + quoted(key) + ": " + text(of: dict[key]!, indent: inner)
            }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
