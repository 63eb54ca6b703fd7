/// One template or condition of a task, as the checker sees it: the variables it must find
/// and where it is written.
struct CheckedField {
    /// The keyword it was written under (`shell`, `when`, `copy.dest`, ...).
    var name: String
    var required: [VariablePath]
    var location: SourceLocation?
    /// `until`, `changed_when` and `failed_when` run after the command and can read its result.
    var seesResult: Bool

    init(_ name: String, _ template: Template) {
        self.name = name
        self.required = template.requiredPaths
        self.location = template.locator.base
        self.seesResult = false
    }

    init(_ name: String, _ expression: Expression, seesResult: Bool = false) {
        self.name = name
        self.required = expression.requiredPaths
        self.location = expression.locator.base
        self.seesResult = seesResult
    }

    /// Every template and condition of `task`, in the order they are written in the model.
    static func fields(of task: PlayTask) -> [CheckedField] {
        var fields = actionFields(task.action)
        if let when = task.when { fields.append(CheckedField("when", when)) }
        if let creates = task.creates { fields.append(CheckedField("creates", creates)) }
        if let removes = task.removes { fields.append(CheckedField("removes", removes)) }
        if let unless = task.unless { fields.append(CheckedField("unless", unless)) }
        if let until = task.until { fields.append(CheckedField("until", until, seesResult: true)) }
        if let changed = task.changedWhen { fields.append(CheckedField("changed_when", changed, seesResult: true)) }
        if let failed = task.failedWhen { fields.append(CheckedField("failed_when", failed, seesResult: true)) }
        return fields
    }

    private static func actionFields(_ action: Action) -> [CheckedField] {
        switch action {
        case .shell(let text):
            return [CheckedField("shell", text)]
        case .command(let words):
            return words.map { CheckedField("command", $0) }
        case .script(let path, let args):
            return [CheckedField("script", path)] + (args.map { [CheckedField("script", $0)] } ?? [])
        case .copy(let spec), .template(let spec):
            let keyword = action.keyword
            var fields = [CheckedField("\(keyword).dest", spec.dest)]
            if let src = spec.src { fields.append(CheckedField("\(keyword).src", src)) }
            if let content = spec.content { fields.append(CheckedField("\(keyword).content", content)) }
            if let owner = spec.owner { fields.append(CheckedField("\(keyword).owner", owner)) }
            return fields
        case .fetch(let src, let dest):
            return [CheckedField("fetch.src", src), CheckedField("fetch.dest", dest)]
        case .waitFor(let spec):
            return [spec.host, spec.path, spec.command].compactMap { $0 }.map { CheckedField("wait_for", $0) }
        }
    }

    /// The local files a task reads (`copy.src`, `template.src`, the `script` path).
    static func localFiles(of action: Action) -> [(what: String, path: Template)] {
        switch action {
        case .copy(let spec): return spec.src.map { [("copy source", $0)] } ?? []
        case .template(let spec): return spec.src.map { [("template source", $0)] } ?? []
        case .script(let path, _): return [("script", path)]
        default: return []
        }
    }
}
