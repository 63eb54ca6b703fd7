import Foundation
import Yams

/// Reads playbook files into `Playbook` values.
///
/// Everything that can be known without an inventory is checked here: the YAML shape, keys,
/// types, durations, regular expressions and template syntax, each error at its
/// `file:line:column`. What needs an inventory (host patterns, undefined variables, captures
/// read before they are produced) is `PlaybookChecker`'s job.
public enum PlaybookParser {
    /// Reads and parses the playbook at `path`.
    /// - Throws: `InputError` for an unreadable file or anything wrong in it.
    public static func load(path: String) throws -> Playbook {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("cannot read playbook \(path): \(error.localizedDescription)")
        }
        return try parse(text: text, path: path)
    }

    /// Parses playbook `text` as if read from `path` (used in messages and to resolve local
    /// files such as `copy.src`).
    /// - Throws: `InputError` at the first mistake.
    public static func parse(text: String, path: String) throws -> Playbook {
        let file = try YAMLFile(path: path, text: text)
        guard let root = file.root else {
            throw InputError("the playbook is empty", at: SourceLocation(file: path, line: 1, column: 1),
                             hint: "a playbook is a list of plays, each with 'hosts:' and 'tasks:'")
        }
        let reader = PlaybookReader(file: file, text: text)
        let plays = try file.sequence(root, what: "a playbook").enumerated().map { index, node in
            try reader.play(node, number: index + 1)
        }
        return Playbook(path: path, plays: plays)
    }
}

extension PlaybookReader {
    static let playKeys = ["name", "hosts", "vars", "serial", "max_fail_percentage", "become", "strategy", "tasks"]

    /// One play. Its name (or `play N`) names it in later messages.
    func play(_ node: Node, number: Int) throws -> Play {
        let what = "play \(number)"
        if case .mapping = node {} else {
            throw file.error("\(what) must be a mapping with 'hosts:' and 'tasks:', found \(YAMLFile.kind(of: node))", at: node)
        }
        let entries = try file.mapping(node, what: what)
        let name = try entries.first { $0.key == "name" }.map { try file.string($0.value, what: "'name'") }
        let label = name.map { "play '\($0)'" } ?? what
        _ = try strictMapping(node, what: label, allowed: Self.playKeys)

        guard let hostsEntry = entries.first(where: { $0.key == "hosts" }) else {
            throw file.error("\(label) has no 'hosts'", at: node, hint: "add 'hosts: PATTERN' (a group, a host, 'all', ...)")
        }
        var play = Play(name: name ?? "", hosts: try hostPattern(hostsEntry.value), location: file.location(of: node))
        if play.name.isEmpty { play.name = play.hosts }
        for entry in entries {
            switch entry.key {
            case "vars": play.vars = try variables(entry.value)
            case "serial": play.serial = try serial(entry.value)
            case "max_fail_percentage": play.maxFailPercentage = try percentage(entry.value, what: "max_fail_percentage")
            case "become": play.become = try bool(entry.value, what: "become")
            case "strategy": play.strategy = try strategy(entry.value)
            case "tasks":
                play.tasks = try file.sequence(entry.value, what: "'tasks' of \(label)").map { try task($0) }
            default: break
            }
        }
        return play
    }

    /// `hosts: masters`, or a list joined as a union (`[masters, workers]` is `masters:workers`).
    private func hostPattern(_ node: Node) throws -> String {
        let parts: [String]
        if case .sequence(let items) = node {
            parts = try items.map { try file.string($0, what: "each item of 'hosts'") }
        } else {
            parts = [try file.string(node, what: "'hosts'")]
        }
        let pattern = parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: ":")
        guard !pattern.isEmpty else {
            throw file.error("'hosts' must not be empty", at: node, hint: "give a group, a host, 'all', or a pattern like 'workers:!k8s-node2'")
        }
        return pattern
    }

    private func variables(_ node: Node) throws -> [String: VariableValue] {
        var result: [String: VariableValue] = [:]
        for entry in try file.mapping(node, what: "'vars'") {
            guard VariablePath.isIdentifier(entry.key) else {
                throw file.error("variable name '\(entry.key)' is not a valid name (letters, digits and _, not starting with a digit)",
                                 at: entry.keyNode)
            }
            result[entry.key] = YAMLFile.value(of: entry.value)
        }
        return result
    }

    /// `serial: 1`, `serial: "30%"`, or a list of those for growing batches.
    private func serial(_ node: Node) throws -> [BatchSize] {
        let items: [Node]
        if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
        guard !items.isEmpty else { throw file.error("'serial' must not be an empty list", at: node) }
        return try items.map { item in
            let text = try file.string(item, what: "'serial'").trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent > 0, percent <= 100 {
                return .percent(percent)
            }
            if let count = Int(text), count > 0 { return .count(count) }
            throw file.error("'serial' must be a number of hosts (at least 1) or a percentage like 30%, found '\(text)'", at: item,
                             hint: "a list gives growing batches: serial: [1, 50%]")
        }
    }

    private func percentage(_ node: Node, what: String) throws -> Double {
        let text = try file.string(node, what: "'\(what)'")
        guard let value = Double(text.hasSuffix("%") ? String(text.dropLast()) : text), (0...100).contains(value) else {
            throw file.error("'\(what)' must be a number from 0 to 100, found '\(text)'", at: node)
        }
        return value
    }

    private func strategy(_ node: Node) throws -> Play.Strategy {
        let text = try file.string(node, what: "'strategy'")
        guard let strategy = Play.Strategy(rawValue: text) else {
            throw file.error("'strategy' must be free or linear, found '\(text)'", at: node,
                             hint: "free: each host runs on at its own pace; linear: all hosts finish a task before the next starts")
        }
        return strategy
    }
}
