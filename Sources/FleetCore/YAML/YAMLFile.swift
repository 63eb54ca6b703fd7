import Foundation
import Yams

/// A YAML file parsed into located nodes, with helpers that turn shape errors into
/// `InputError`s carrying `file:line:column`.
///
/// Parsers of inventories and playbooks read nodes through this type instead of decoding
/// into `Codable` structs: decoding loses positions and silently ignores unknown keys,
/// and both are things fleet promises not to do.
public struct YAMLFile {
    public let path: String
    public let root: Node?

    /// Parses `text`; a syntax error becomes an `InputError` at the offending position.
    public init(path: String, text: String) throws {
        self.path = path
        do {
            // The basic resolver: fleet types plain scalars itself (`value(of:)`), and the default
            // one compiles seven regular expressions on first use, about 1.5 ms of every run.
            self.root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw YAMLFile.inputError(from: error, path: path)
        }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(path: path, text: text)
    }

    /// The location of `node` in this file (line 1, column 1 when libyaml gave none).
    public func location(of node: Node?) -> SourceLocation {
        SourceLocation(file: path, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    /// An error at `node`'s position.
    public func error(_ message: String, at node: Node?, hint: String? = nil) -> InputError {
        InputError(message, at: location(of: node), hint: hint)
    }

    /// The entries of a mapping node, keys as strings, in file order.
    /// Throws when `node` is not a mapping, naming `what` it should have been.
    public func mapping(_ node: Node, what: String) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let map) = node else {
            throw error("\(what) must be a mapping (key: value), found \(YAMLFile.kind(of: node))", at: node)
        }
        return try map.map { pair in
            guard let key = pair.key.scalar?.string else {
                throw error("\(what) keys must be plain strings", at: pair.key)
            }
            return (key, pair.key, pair.value)
        }
    }

    /// Like `mapping(_:what:)`, and rejects keys outside `allowed` with the list of valid ones.
    public func strictMapping(
        _ node: Node, what: String, allowed: [String]
    ) throws -> [(key: String, keyNode: Node, value: Node)] {
        let entries = try mapping(node, what: what)
        for entry in entries where !allowed.contains(entry.key) {
            throw error(
                "unknown key '\(entry.key)' in \(what)", at: entry.keyNode,
                hint: "valid keys: \(allowed.joined(separator: ", "))")
        }
        return entries
    }

    /// The items of a sequence node.
    public func sequence(_ node: Node, what: String) throws -> [Node] {
        guard case .sequence(let seq) = node else {
            throw error("\(what) must be a list, found \(YAMLFile.kind(of: node))", at: node)
        }
        return Array(seq)
    }

    /// A scalar's text. Mappings and lists are errors.
    public func string(_ node: Node, what: String) throws -> String {
        guard let scalar = node.scalar else {
            throw error("\(what) must be a single value, found \(YAMLFile.kind(of: node))", at: node)
        }
        return scalar.string
    }

    /// A whole number.
    public func int(_ node: Node, what: String) throws -> Int {
        let text = try string(node, what: what)
        guard let value = Int(text) else {
            throw error("\(what) must be a whole number, found '\(text)'", at: node)
        }
        return value
    }

    /// A YAML boolean (`true/false/yes/no/on/off`, any case).
    public func bool(_ node: Node, what: String) throws -> Bool {
        let text = try string(node, what: what)
        guard let value = YAMLFile.plainBool(text) else {
            throw error("\(what) must be true or false, found '\(text)'", at: node)
        }
        return value
    }

    /// A plain Swift value for a node (String, Int, Double, Bool, nil, [Any], [String: Any])
    /// for use as a variable. Quoted scalars stay strings.
    public static func value(of node: Node) -> VariableValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return .null }
                if let b = plainBool(scalar.string) { return .bool(b) }
                if let i = Int(scalar.string) { return .int(i) }
                if let d = Double.construct(from: scalar), scalar.string.contains(where: { $0 == "." || $0 == "e" }) {
                    return .double(d)
                }
            }
            return .string(scalar.string)
        case .mapping(let map):
            var dict: [String: VariableValue] = [:]
            var order: [String] = []
            for pair in map {
                let key = pair.key.scalar?.string ?? "\(pair.key)"
                if dict[key] == nil { order.append(key) }
                dict[key] = value(of: pair.value)
            }
            return .map(dict)
        case .sequence(let seq):
            return .list(seq.map { value(of: $0) })
        case .alias:
            return .null
        }
    }

    /// A YAML 1.1 boolean in any case, for keys (`bool(_:what:)`) and values (`value(of:)`) alike.
    static func plainBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar(let s): return "the value '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func inputError(from error: YamlError, path: String) -> InputError {
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return InputError("YAML syntax: \(problem)\(context.map { " \($0.text)" } ?? "")",
                              at: SourceLocation(file: path, line: mark.line, column: mark.column))
        case .parser(let context, let problem, let mark, _):
            return InputError("YAML syntax: \(problem)\(context.map { " \($0.text)" } ?? "")",
                              at: SourceLocation(file: path, line: mark.line, column: mark.column))
        case .composer(let context, let problem, let mark, _):
            return InputError("YAML syntax: \(problem)\(context.map { " \($0.text)" } ?? "")",
                              at: SourceLocation(file: path, line: mark.line, column: mark.column))
        default:
            return InputError("YAML syntax: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }
}
