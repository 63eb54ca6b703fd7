/// `shell` and `command`: rendered text that runs as one remote command.
///
/// Both reach the host as shell text (the transport runs everything through the login
/// shell). `command` quotes every word on its own, so variables, globs and operators in a
/// word arrive literally, as an argv would.
enum CommandActions {
    /// The shell text of a `shell` task.
    static func shellText(_ template: Template, in scope: any VariableScope) throws -> String {
        try template.render(in: scope)
    }

    /// The words of a `command` task, each rendered and POSIX-quoted, joined by spaces.
    static func commandText(_ words: [Template], in scope: any VariableScope) throws -> String {
        guard !words.isEmpty else { throw InputError("'command' needs at least one word") }
        return try words.map { ShellQuoting.quote(try $0.render(in: scope)) }.joined(separator: " ")
    }

    /// Runs `text`; it counts as changed because it ran (`changed_when` narrows that down).
    static func run(_ text: String, context: ActionContext) async throws -> ActionOutcome {
        let result = try await context.connection.run(context.remote(text), then: context.following)
        return ActionOutcome(result: result, changed: true, summary: text)
    }
}
