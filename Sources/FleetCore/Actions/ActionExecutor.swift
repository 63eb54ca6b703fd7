/// Runs a task's action on one host, plans it for check mode, and checks its guards.
///
/// Every action costs as few round trips as it can: one command for shell/command/wait_for
/// and the guards, a read-only probe plus at most an upload and one finishing command for
/// copy/template. Rendering errors (`TemplateError`, `InputError`) and connection errors
/// (`TransportError`) are thrown; a step that ran and failed on the host is returned as an
/// outcome with a non-zero exit code, for the scheduler to judge (`failed_when`, `ignore_errors`).
public enum ActionExecutor {
    /// Runs the action on the host.
    /// - Throws: `TemplateError`/`InputError` for render problems, `TransportError` for
    ///   connection problems, `ActionError` when a fetched file cannot be written locally.
    public static func run(_ action: Action, context: ActionContext) async throws -> ActionOutcome {
        switch action {
        case .shell(let template):
            return try await CommandActions.run(CommandActions.shellText(template, in: context.scope), context: context)
        case .command(let words):
            return try await CommandActions.run(CommandActions.commandText(words, in: context.scope), context: context)
        case .script(let path, let args):
            return try await ScriptAction(path: path, args: args, scope: context.scope).run(context: context)
        case .copy(let spec):
            return try await CopyAction(spec: spec, renderSource: false, context: context).run(context: context)
        case .template(let spec):
            return try await CopyAction(spec: spec, renderSource: true, context: context).run(context: context)
        case .fetch(let src, let dest):
            return try await FetchAction(src: src, dest: dest, context: context).run(context: context)
        case .waitFor(let spec):
            return try await WaitForAction(spec: spec, scope: context.scope).run(context: context)
        }
    }

    /// Check mode: what would run, rendered, without changing anything on the host.
    ///
    /// Copy and template read the remote checksum to say whether they would change the file;
    /// nothing else touches the host. One line per command or step.
    public static func plan(_ action: Action, context: ActionContext) async throws -> [String] {
        switch action {
        case .shell(let template):
            return [try CommandActions.shellText(template, in: context.scope)]
        case .command(let words):
            return [try CommandActions.commandText(words, in: context.scope)]
        case .script(let path, let args):
            return [try ScriptAction(path: path, args: args, scope: context.scope).plan]
        case .copy(let spec):
            return [try await CopyAction(spec: spec, renderSource: false, context: context).plan(context: context)]
        case .template(let spec):
            return [try await CopyAction(spec: spec, renderSource: true, context: context).plan(context: context)]
        case .fetch(let src, let dest):
            return [try FetchAction(src: src, dest: dest, context: context).plan]
        case .waitFor(let spec):
            return [try WaitForAction(spec: spec, scope: context.scope).plan]
        }
    }

    /// The guard keywords (`creates`, `removes`, `unless`, already rendered): a skip reason
    /// such as "creates /etc/x exists", or nil to run the task. One round trip; none when
    /// no guard is given.
    /// - Throws: `TransportError`, or `ActionError.unexpectedReply` when the check could not
    ///   run (e.g. sudo refused).
    public static func skipReason(creates: String?, removes: String?, unless: String?, context: ActionContext) async throws -> String? {
        try await GuardCheck.skipReason(creates: creates, removes: removes, unless: unless, context: context)
    }
}
