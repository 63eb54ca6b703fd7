import Foundation
import Yams

/// Reading one task: its action and its keywords.
extension PlaybookReader {
    static let taskKeywords = [
        "name", "when", "creates", "removes", "unless", "register", "capture", "retries", "delay", "until",
        "timeout", "ignore_errors", "run_once", "become", "changed_when", "failed_when",
    ]
    /// Ansible retries an `until` task three times when `retries` is not given.
    static let untilDefaultRetries = 3

    func task(_ node: Node) throws -> PlayTask {
        if case .mapping = node {} else {
            throw file.error("a task must be a mapping with a name and one action, found \(YAMLFile.kind(of: node))", at: node)
        }
        let entries = try file.mapping(node, what: "a task")
        let givenName = try entries.first { $0.key == "name" }.map { try file.string($0.value, what: "'name'") }
        let label = givenName.map { "task '\($0)'" } ?? "a task"
        _ = try strictMapping(node, what: label, allowed: Action.keywords + Self.taskKeywords)

        let actionEntries = entries.filter { Action.keywords.contains($0.key) }
        guard let actionEntry = actionEntries.first else {
            throw file.error("\(label) has no action", at: node, hint: "add one of: \(Action.keywords.joined(separator: ", "))")
        }
        if actionEntries.count > 1 {
            let second = actionEntries[1]
            throw file.error("\(label) has two actions, '\(actionEntry.key)' and '\(second.key)'", at: second.keyNode,
                             hint: "a task does one thing: split it into two tasks")
        }
        let action = try self.action(actionEntry.key, actionEntry.value)
        var task = PlayTask(name: givenName ?? Self.defaultName(for: action), action: action, location: file.location(of: node))
        var retriesGiven = false
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "when": task.when = try expression(value, what: "when")
            case "creates": task.creates = try template(value, what: "'creates'")
            case "removes": task.removes = try template(value, what: "'removes'")
            case "unless": task.unless = try template(value, what: "'unless'")
            case "register": task.register = try identifier(value, what: "register")
            case "capture": task.capture = try capture(value)
            case "retries":
                task.retries = try int(value, what: "retries", minimum: 0)
                retriesGiven = true
            case "delay": task.delay = try seconds(value, what: "delay", allowZero: true)
            case "until": task.until = try expression(value, what: "until")
            case "timeout": task.timeout = try seconds(value, what: "timeout", allowZero: false)
            case "ignore_errors": task.ignoreErrors = try bool(value, what: "ignore_errors")
            case "run_once": task.runOnce = try bool(value, what: "run_once")
            case "become": task.become = try bool(value, what: "become")
            case "changed_when": task.changedWhen = try expression(value, what: "changed_when")
            case "failed_when": task.failedWhen = try expression(value, what: "failed_when")
            default: break
            }
        }
        if task.until != nil, !retriesGiven { task.retries = Self.untilDefaultRetries }
        return task
    }

    /// `capture: join_command` or `capture: { as: join_command, regex: '...', secret: true, ttl: 23h }`.
    private func capture(_ node: Node) throws -> CaptureSpec {
        if node.scalar != nil { return CaptureSpec(name: try identifier(node, what: "capture")) }
        let entries = try strictMapping(node, what: "'capture'", allowed: ["as", "regex", "secret", "ttl"])
        guard let nameEntry = entries.first(where: { $0.key == "as" }) else {
            throw file.error("'capture' needs 'as', the name to keep the value under", at: node,
                             hint: "capture: { as: join_command, regex: '^(kubeadm join .+)$' }")
        }
        var spec = CaptureSpec(name: try identifier(nameEntry.value, what: "capture.as"))
        for entry in entries {
            switch entry.key {
            case "regex": spec.regex = try regex(entry.value)
            case "secret": spec.secret = try bool(entry.value, what: "secret")
            case "ttl": spec.ttl = try seconds(entry.value, what: "ttl", allowZero: false)
            default: break
            }
        }
        return spec
    }

    /// A regular expression that must compile now, not on the host after the command ran.
    private func regex(_ node: Node) throws -> String {
        let pattern = try file.string(node, what: "'regex'")
        do {
            _ = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        } catch {
            throw file.error("'regex' is not a valid regular expression: '\(pattern)'", at: node,
                             hint: "the first group, or the whole match when there is none, becomes the value")
        }
        return pattern
    }

    /// The action keyword and the first words of what it does: `shell kubeadm init --pod…`.
    static func defaultName(for action: Action) -> String {
        let argument: String
        switch action {
        case .shell(let text): argument = text.source
        case .command(let words): argument = words.map(\.source).joined(separator: " ")
        case .script(let path, let args): argument = path.source + (args.map { " " + $0.source } ?? "")
        case .copy(let spec), .template(let spec): argument = spec.dest.source
        case .fetch(let src, _): argument = src.source
        case .waitFor(let spec):
            argument = spec.port.map { "port \($0)" } ?? spec.path.map { "path \($0.source)" } ?? spec.command?.source ?? ""
        }
        let words = argument.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        var summary = words.prefix(4).joined(separator: " ")
        if words.count > 4 { summary += " …" }
        return summary.isEmpty ? action.keyword : "\(action.keyword) \(summary)"
    }
}
