import Foundation
import Yams

/// Reading the action of a task, one shape per keyword.
extension PlaybookReader {
    func action(_ keyword: String, _ node: Node) throws -> Action {
        switch keyword {
        case "shell": return .shell(try template(node, what: "'shell'"))
        case "command": return .command(try commandWords(node))
        case "script": return try script(node)
        case "copy": return .copy(try copySpec(node, keyword: "copy"))
        case "template": return .template(try copySpec(node, keyword: "template"))
        case "fetch":
            let entries = try strictMapping(node, what: "'fetch'", allowed: ["src", "dest"])
            let src = try required("src", in: entries, of: node, action: "fetch")
            if !src.source.contains("{"), let problem = FetchAction.sourceProblem(src.source) {
                throw InputError(problem, at: src.locator.base)
            }
            return .fetch(src: src, dest: try required("dest", in: entries, of: node, action: "fetch"))
        case "wait_for": return .waitFor(try waitFor(node))
        default: throw file.error("unknown action '\(keyword)'", at: node)
        }
    }

    /// `command: systemctl restart "my unit"` split with shell quoting rules, or a list (argv).
    private func commandWords(_ node: Node) throws -> [Template] {
        if case .sequence(let items) = node {
            guard !items.isEmpty else { throw file.error("'command' must not be an empty list", at: node) }
            return try items.map { try template($0, what: "each word of 'command'") }
        }
        let words = try splitWords(node, what: "command")
        guard !words.isEmpty else { throw file.error("'command' must not be empty", at: node) }
        return try words.map { try wordTemplate($0, of: node) }
    }

    /// `script: files/setup.sh --fast` (first word is the local path) or `{ path, args }`.
    private func script(_ node: Node) throws -> Action {
        if case .mapping = node {
            let entries = try strictMapping(node, what: "'script'", allowed: ["path", "args"])
            let args = try entries.first { $0.key == "args" }.map { try template($0.value, what: "'args'") }
            return .script(path: try required("path", in: entries, of: node, action: "script"), args: args)
        }
        let words = try splitWords(node, what: "script")
        guard let first = words.first else { throw file.error("'script' must name a local script file", at: node) }
        let text = try file.string(node, what: "'script'")
        let rest = String(Array(text).dropFirst(first.offset + first.text.count)).trimmingCharacters(in: .whitespaces)
        var argsLocation = textLocation(of: node)
        argsLocation.column += text.count - rest.count
        let args: Template?
        do {
            args = rest.isEmpty ? nil : try Template(parsing: rest, location: argsLocation)
        } catch let error as TemplateError {
            throw error.inputError
        }
        return .script(path: try wordTemplate(first, of: node), args: args)
    }

    /// `copy: { src | content, dest, mode, owner }` and `template: { src, dest, mode, owner }`.
    private func copySpec(_ node: Node, keyword: String) throws -> CopySpec {
        let allowed = keyword == "copy" ? ["src", "content", "dest", "mode", "owner"] : ["src", "dest", "mode", "owner"]
        let entries = try strictMapping(node, what: "'\(keyword)'", allowed: allowed)
        let sources = entries.filter { $0.key == "src" || $0.key == "content" }
        if sources.count > 1 {
            throw file.error("'copy' takes either 'src' or 'content', not both", at: sources[1].keyNode)
        }
        guard let source = sources.first else {
            let needed = keyword == "copy" ? "'src' (a local file) or 'content' (the text)" : "'src' (a local template file)"
            throw file.error("'\(keyword)' needs \(needed)", at: node)
        }
        var spec = CopySpec(dest: try required("dest", in: entries, of: node, action: keyword))
        let value = try template(source.value, what: "'\(source.key)'")
        if source.key == "src" { spec.src = value } else { spec.content = value }
        for entry in entries {
            switch entry.key {
            case "mode": spec.mode = try mode(entry.value)
            case "owner": spec.owner = try template(entry.value, what: "'owner'")
            default: break
            }
        }
        return spec
    }

    /// `wait_for: { port | path | command, host, timeout, interval }`.
    private func waitFor(_ node: Node) throws -> WaitForSpec {
        let entries = try strictMapping(node, what: "'wait_for'", allowed: ["port", "host", "path", "command", "timeout", "interval"])
        let targets = entries.filter { ["port", "path", "command"].contains($0.key) }
        guard let target = targets.first else {
            throw file.error("'wait_for' needs one of 'port', 'path' or 'command'", at: node)
        }
        if targets.count > 1 {
            throw file.error("'wait_for' waits for one thing: '\(target.key)' and '\(targets[1].key)' are both given",
                             at: targets[1].keyNode)
        }
        var spec = WaitForSpec()
        for entry in entries {
            switch entry.key {
            case "port":
                let port = try int(entry.value, what: "port", minimum: 1)
                guard port <= 65535 else { throw file.error("'port' must be a port number (1-65535), found \(port)", at: entry.value) }
                spec.port = port
            case "host": spec.host = try template(entry.value, what: "'host'")
            case "path": spec.path = try template(entry.value, what: "'path'")
            case "command": spec.command = try template(entry.value, what: "'command'")
            case "timeout": spec.timeout = try seconds(entry.value, what: "timeout", allowZero: false)
            case "interval": spec.interval = try seconds(entry.value, what: "interval", allowZero: false)
            default: break
            }
        }
        return spec
    }

    private func required(
        _ key: String, in entries: [(key: String, keyNode: Node, value: Node)], of node: Node, action: String
    ) throws -> Template {
        guard let entry = entries.first(where: { $0.key == key }) else {
            throw file.error("'\(action)' needs '\(key)'", at: node)
        }
        return try template(entry.value, what: "'\(key)'")
    }

    private func splitWords(_ node: Node, what: String) throws -> [CommandWords.Word] {
        let text = try file.string(node, what: "'\(what)'")
        do {
            return try CommandWords.split(text)
        } catch let error as CommandWords.SplitError {
            var location = textLocation(of: node)
            location.column += error.offset
            throw InputError("'\(what)': \(error.message)", at: location)
        }
    }

    /// One split word as a template, located at the word in the file.
    private func wordTemplate(_ word: CommandWords.Word, of node: Node) throws -> Template {
        var location = textLocation(of: node)
        location.column += word.offset
        do {
            return try Template(parsing: word.text, location: location)
        } catch let error as TemplateError {
            throw error.inputError
        }
    }
}
