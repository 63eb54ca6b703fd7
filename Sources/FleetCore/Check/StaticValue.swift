/// What `fleet check` knows about a variable without running anything: enough to tell
/// whether a path like `cfg.ports[0]` or `init.stdout` will exist, not what it will hold.
indirect enum StaticValue: Sendable {
    /// Exists, content known only at run time (a captured value, a registered stdout).
    case opaque
    /// A value known now (inventory, play vars, `-e`).
    case value(VariableValue)
    /// Named fields (a registered result, a host object).
    case fields([String: StaticValue])
    /// A list of known length (the hosts of a group).
    case items([StaticValue])

    /// A registered result: `stdout`, `stderr`, `rc`, `lines`.
    static let registered = StaticValue.fields(["stdout": .opaque, "stderr": .opaque, "rc": .opaque, "lines": .opaque])

    /// Why a path does not resolve inside this value.
    struct Miss: Equatable {
        /// How many components of the path resolved before the miss.
        var depth: Int
        var reason: String
        /// Keys that exist where the miss happened, for "did you mean".
        var available: [String]
    }

    /// Follows `keys` (the components after the root) down from this value.
    /// - Parameter spelled: the path read so far, for messages.
    func resolve(_ keys: ArraySlice<String>, spelled: VariablePath) -> Miss? {
        guard let key = keys.first else { return nil }
        let rest = keys.dropFirst()
        let next = spelled.appending(key)
        switch self {
        case .opaque:
            return nil
        case .value(let value):
            return StaticValue(value).resolveKnown(key: key, rest: rest, spelled: spelled, next: next)
        case .fields, .items:
            return resolveKnown(key: key, rest: rest, spelled: spelled, next: next)
        }
    }

    private func resolveKnown(key: String, rest: ArraySlice<String>, spelled: VariablePath, next: VariablePath) -> Miss? {
        let depth = spelled.components.count
        switch self {
        case .fields(let fields):
            guard let child = fields[key] else {
                return Miss(depth: depth, reason: "'\(spelled)' has no key '\(key)'", available: fields.keys.sorted())
            }
            return child.resolve(rest, spelled: next)
        case .items(let items) where key == VariablePath.everyItem:
            for (index, item) in items.enumerated() {
                if let miss = item.resolve(rest, spelled: spelled.appending(String(index))) { return miss }
            }
            return nil
        case .items(let items):
            guard let index = Int(key) else {
                return Miss(depth: depth, reason: "'\(spelled)' is a list, index it with a number", available: [])
            }
            guard items.indices.contains(index) || (index < 0 && -index <= items.count) else {
                return Miss(depth: depth, reason: "'\(spelled)' has \(items.count) item\(items.count == 1 ? "" : "s"), no [\(index)]",
                            available: [])
            }
            return items[index < 0 ? items.count + index : index].resolve(rest, spelled: next)
        case .value(let scalar):
            return Miss(depth: depth, reason: "'\(spelled)' is \(Self.describe(scalar)), it has no key '\(key)'", available: [])
        case .opaque:
            return nil
        }
    }

    /// The static view of a known value: maps become fields and lists items, so one walk
    /// serves both.
    init(_ value: VariableValue) {
        switch value {
        case .map(let map): self = .fields(map.mapValues { StaticValue($0) })
        case .list(let list): self = .items(list.map { StaticValue($0) })
        default: self = .value(value)
        }
    }

    private static func describe(_ value: VariableValue) -> String {
        switch value {
        case .null: return "none"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
