import Foundation
import Yams

/// Typed values of playbook fields: templates, expressions, names, numbers and durations.
extension PlaybookReader {
    /// A string field that may hold `{{ }}`, parsed now so syntax errors point into the file.
    func template(_ node: Node, what: String) throws -> Template {
        let text = try file.string(node, what: what)
        do {
            return try Template(parsing: text, location: textLocation(of: node))
        } catch let error as TemplateError {
            throw error.inputError
        }
    }

    /// A condition (`when`, `until`, `changed_when`, `failed_when`).
    ///
    /// Written without braces, as in Ansible; `"{{ x }}"` is accepted too, braces stripped.
    /// A list means all of its items must hold: it becomes `(a) and (b)`, after each item was
    /// parsed alone so a syntax error points at the item.
    func expression(_ node: Node, what: String) throws -> Expression {
        guard case .sequence(let items) = node else { return try singleExpression(node, what: what) }
        let parsed = try items.map { try singleExpression($0, what: what) }
        guard parsed.count != 1 else { return parsed[0] }
        guard !parsed.isEmpty else { throw file.error("'\(what)' must not be an empty list", at: node) }
        let combined = parsed.map { "(\($0.source))" }.joined(separator: " and ")
        do {
            return try Expression(parsing: combined, location: file.location(of: node))
        } catch let error as TemplateError {
            throw error.inputError
        }
    }

    private func singleExpression(_ node: Node, what: String) throws -> Expression {
        var text = try file.string(node, what: what)
        var location = textLocation(of: node)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.components(separatedBy: "{{").count == 2 {
            let leading = text.prefix { $0 == " " }.count
            location.column += leading + 2
            text = String(trimmed.dropFirst(2).dropLast(2))
        }
        do {
            return try Expression(parsing: text, location: location)
        } catch let error as TemplateError {
            throw error.inputError
        }
    }

    /// A variable name (`register`, `capture.as`): something a template can read back.
    func identifier(_ node: Node, what: String) throws -> String {
        let text = try file.string(node, what: what)
        guard VariablePath.isIdentifier(text) else {
            throw file.error("'\(what)' must be a variable name (letters, digits and _, not starting with a digit), found '\(text)'",
                             at: node)
        }
        return text
    }

    /// A whole number at least `minimum`.
    func int(_ node: Node, what: String, minimum: Int) throws -> Int {
        let value = try file.int(node, what: "'\(what)'")
        guard value >= minimum else {
            throw file.error("'\(what)' must be at least \(minimum), found \(value)", at: node)
        }
        return value
    }

    /// A number of seconds: `30`, `2.5`, or a duration like `90s`, `5m`, `1h30m`.
    /// - Parameter allowZero: whether 0 is meaningful (a delay may be 0, a timeout may not).
    func seconds(_ node: Node, what: String, allowZero: Bool) throws -> Double {
        let text = try file.string(node, what: "'\(what)'")
        guard let value = DurationText.parse(text), value > 0 || (allowZero && value == 0) else {
            throw file.error(
                "'\(what)' must be a \(allowZero ? "" : "positive ")number of seconds or a duration like 30s, 90m, 23h, 2d or 1h30m, found '\(text)'",
                at: node)
        }
        return value
    }

    /// A boolean, with the field named in the message.
    func bool(_ node: Node, what: String) throws -> Bool {
        try file.bool(node, what: "'\(what)'")
    }

    /// A file mode as the octal text chmod takes ("0644").
    ///
    /// Read from the scalar's text as written, never from YAML's typed value: under YAML 1.1
    /// an unquoted `0644` is the integer 420, and writing that back would give a wrong mode.
    /// So `mode: 0644`, `mode: "0644"`, `mode: 644` and `mode: 0o644` all mean rw-r--r--.
    func mode(_ node: Node) throws -> String {
        var text = try file.string(node, what: "'mode'")
        if text.hasPrefix("0o") { text.removeFirst(2) }
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }) else {
            throw file.error("'mode' must be an octal file mode like '0644', found '\(text)'", at: node,
                             hint: "quote it to be safe: mode: \"0644\"")
        }
        return text.count == 3 ? "0" + text : text
    }
}
