import Foundation

/// The checks of one task on the hosts of its play: variables its templates read, other
/// hosts' captures it uses, local files it uploads.
struct TaskCheck {
    let task: PlayTask
    let play: Play
    let hosts: [Host]
    let produced: ProducedVariables
    let checker: PlaybookChecker
    private var errors: [InputError] = []

    init(task: PlayTask, play: Play, hosts: [Host], produced: ProducedVariables, checker: PlaybookChecker) {
        self.task = task
        self.play = play
        self.hosts = hosts
        self.produced = produced
        self.checker = checker
    }

    mutating func run() -> [InputError] {
        var fields = CheckedField.fields(of: task)
        fields += checkLocalFiles()
        let tables = hosts.map { VariableTable(host: $0, play: play, produced: produced, extraVars: checker.extraVars) }
        for field in fields {
            for path in field.required {
                if path.root == "hosts" || path.root == "groups" {
                    checkCrossHost(path, at: field.location)
                } else {
                    checkVariable(path, field: field, tables: tables)
                }
            }
        }
        return errors
    }

    // MARK: Variables of the host itself

    private mutating func checkVariable(_ path: VariablePath, field: CheckedField, tables: [VariableTable]) {
        var missesByReason: [String: (miss: StaticValue.Miss, hosts: [String])] = [:]
        var order: [String] = []
        for (host, table) in zip(hosts, tables) {
            var table = table
            if field.seesResult { table.addResult(of: task) }
            let miss: StaticValue.Miss?
            if let value = table.names[path.root] {
                miss = value.resolve(path.components.dropFirst(), spelled: VariablePath([path.root]))
            } else {
                miss = StaticValue.Miss(depth: 0, reason: "", available: Array(table.names.keys))
            }
            guard let miss else { continue }
            let key = "\(miss.depth)|\(miss.reason)"
            if missesByReason[key] == nil { order.append(key) }
            missesByReason[key, default: (miss, [])].hosts.append(host.name)
        }
        for key in order {
            guard let (miss, failing) = missesByReason[key] else { continue }
            let missing = path.components[miss.depth]
            var message = "task '\(task.name)' uses undefined variable '\(path)'"
            if miss.depth > 0 { message += ": \(miss.reason)" }
            if failing.count < hosts.count { message += " on \(Self.list(failing))" }
            if let suggestion = NameSuggestion.closest(to: missing, among: miss.available) {
                message += " (did you mean '\(suggestion)'?)"
            }
            var hint = "define it in the inventory, the play's vars, an earlier register or capture, or -e; or guard it with '| default(...)' or 'is defined'"
            if miss.depth == 0, let later = checker.laterProducer(of: path.root, after: task.location) {
                hint = "task '\(later.task)' at \(later.location) \(later.verb) \(path.root), but runs later"
            }
            errors.append(InputError(message, at: field.location, hint: hint))
        }
    }

    // MARK: Other hosts' variables

    private mutating func checkCrossHost(_ path: VariablePath, at location: SourceLocation?) {
        let reference = CrossHostReference(inventory: checker.inventory, produced: produced)
        switch reference.problem(with: path) {
        case nil:
            return
        case .badTarget(let message, let suggestion)?:
            errors.append(InputError("task '\(task.name)' reads \(path), but \(message)"
                                     + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""), at: location))
        case .inside(let reason)?:
            errors.append(InputError("task '\(task.name)' reads \(path), but \(reason)", at: location))
        case .notProduced(let host, let name, let spelled)?:
            var hint = "capture it on \(host) in an earlier task: capture: { as: \(name) }"
            if let later = checker.laterProducer(of: name, after: task.location) {
                hint = "task '\(later.task)' at \(later.location) \(later.verb) \(name), but runs later"
            }
            errors.append(InputError(
                "task '\(task.name)' reads \(spelled), but no earlier task captures \(name) on \(host)", at: location, hint: hint))
        }
    }

    // MARK: Local files

    /// Reports local files that do not exist; returns the contents of `template` sources as
    /// fields to check, since their variables are read on the hosts too.
    private mutating func checkLocalFiles() -> [CheckedField] {
        var fields: [CheckedField] = []
        for (what, pathTemplate) in CheckedField.localFiles(of: task.action) where pathTemplate.isConstant {
            let path = pathTemplate.source
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : checker.playbookFolder.appendingPathComponent(path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
                errors.append(InputError("task '\(task.name)': \(what) '\(path)' does not exist", at: pathTemplate.locator.base,
                                         hint: "local paths are relative to the playbook's folder, \(checker.playbookFolder.path)"))
                continue
            }
            guard case .template = task.action else { continue }
            do {
                let text = try String(contentsOf: url, encoding: .utf8)
                let contents = try Template(parsing: text, location: SourceLocation(file: url.path, line: 1, column: 1))
                fields.append(CheckedField("template file", contents))
            } catch let error as TemplateError {
                errors.append(error.inputError)
            } catch {
                errors.append(InputError("cannot read \(what) '\(path)': \(error.localizedDescription)", at: pathTemplate.locator.base))
            }
        }
        return fields
    }

    /// `a, b, c` or `a, b, c and 4 more`: hosts in messages, kept short.
    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(3).joined(separator: ", ")
        return names.count > 3 ? "\(shown) and \(names.count - 3) more" : shown
    }
}
