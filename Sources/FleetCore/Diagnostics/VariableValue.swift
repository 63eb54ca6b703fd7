/// A variable's value: what inventories, playbooks, `-e` and captures hold.
///
/// A closed enum rather than `Any` so values are `Sendable`, comparable in tests and
/// printable as JSON without reflection.
public enum VariableValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([VariableValue])
    case map([String: VariableValue])

    /// The text a template substitutes for this value.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let items): return "[" + items.map { $0.quotedText }.joined(separator: ", ") + "]"
        case .map(let dict):
            return "{" + dict.keys.sorted().map { "\"\($0)\": \(dict[$0]!.quotedText)" }.joined(separator: ", ") + "}"
        }
    }

    private var quotedText: String {
        if case .string(let s) = self { return "\"\(s)\"" }
        return text
    }
}
