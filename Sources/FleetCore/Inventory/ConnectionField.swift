/// A connection setting a host can have, whichever inventory format named it.
///
/// Native inventories spell them `address`, `port`, `user`, ...; Ansible inventories as
/// `ansible_host`, `ansible_port`, `ansible_user`, ... variables, which may sit on a host, a
/// group or `all`. Both land in the same slot so precedence works the same for every format,
/// and every value is checked where it is written, even on a group that has no hosts yet.
enum ConnectionField: String, CaseIterable, Sendable {
    case address, port, user, key, become, knownHosts, hostKeyPolicy, connectTimeout

    /// The field an Ansible variable sets, or nil for an ordinary variable.
    static func forVariable(_ name: String) -> ConnectionField? {
        switch name {
        case "ansible_host", "ansible_ssh_host": return .address
        case "ansible_port", "ansible_ssh_port": return .port
        case "ansible_user", "ansible_ssh_user": return .user
        case "ansible_ssh_private_key_file", "ansible_private_key_file": return .key
        case "ansible_become": return .become
        case "ansible_ssh_timeout", "ansible_timeout": return .connectTimeout
        default: return nil
        }
    }

    /// The values `hostKeyPolicy` accepts.
    static let hostKeyPolicies = ["strict", "accept-new"]

    /// Checks `value` for this field and returns it in canonical form (`.int` ports, `.bool`
    /// become, `.double` timeouts, `.string` otherwise).
    /// - Parameters:
    ///   - value: what the file said; scalars may arrive as text (INI) or typed (YAML).
    ///   - key: the key as the user wrote it, for the message.
    ///   - location: where it was written.
    func normalize(_ value: VariableValue, key: String, at location: SourceLocation) throws -> VariableValue {
        guard let text = Self.scalarText(value) else {
            throw InputError("'\(key)' must be a single value, found \(Self.describe(value))", at: location)
        }
        switch self {
        case .address, .user, .key, .knownHosts:
            guard !text.isEmpty else { throw InputError("'\(key)' must not be empty", at: location) }
            return .string(text)
        case .port:
            guard let port = Int(text), (1...65535).contains(port) else {
                throw InputError("'\(key)' must be a port number (1-65535), found '\(text)'", at: location)
            }
            return .int(port)
        case .become:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: throw InputError("'\(key)' must be true or false, found '\(text)'", at: location)
            }
        case .hostKeyPolicy:
            guard Self.hostKeyPolicies.contains(text) else {
                throw InputError("'\(key)' must be one of \(Self.hostKeyPolicies.joined(separator: ", ")), found '\(text)'",
                                 at: location, hint: "strict refuses unknown hosts; accept-new records them on first connection")
            }
            return .string(text)
        case .connectTimeout:
            guard let seconds = Double(text), seconds > 0 else {
                throw InputError("'\(key)' must be a positive number of seconds, found '\(text)'", at: location)
            }
            return .double(seconds)
        }
    }

    private static func scalarText(_ value: VariableValue) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null, .list, .map: return nil
        }
    }

    private static func describe(_ value: VariableValue) -> String {
        switch value {
        case .null: return "nothing"
        case .list: return "a list"
        case .map: return "a mapping"
        default: return "'\(value.text)'"
        }
    }
}
