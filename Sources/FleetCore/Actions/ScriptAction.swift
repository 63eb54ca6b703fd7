/// `script`: a local script uploaded to the host, run with its arguments, then removed.
///
/// The script goes to `/tmp/.fleet-script-<random>` (mode 0700) as the login user, so the
/// upload never needs sudo; with `become` it then runs (and is removed) through sudo. Run and
/// removal are one command, `path args; rc=$?; rm -f path; exit $rc`, so the script is gone
/// whatever it exits with and the task still sees its exit code.
struct ScriptAction {
    /// The script's path as written in the task (relative to the playbook).
    var localPath: String
    /// Shell text after the script's path; empty for none.
    var arguments: String
    var pathTemplate: Template

    init(path: Template, args: Template?, scope: any VariableScope) throws {
        localPath = try path.render(in: scope)
        arguments = try args?.render(in: scope) ?? ""
        pathTemplate = path
    }

    /// What `run` would do, for check mode.
    var plan: String {
        "would run local script \(localPath)" + (arguments.isEmpty ? "" : " with args \(arguments)")
    }

    func run(context: ActionContext) async throws -> ActionOutcome {
        let bytes = try LocalFiles.read(localPath, in: context.playbookDirectory, for: pathTemplate)
        let remotePath = "/tmp/.fleet-script-" + RemoteNames.random()
        try await context.connection.upload(bytes, to: remotePath, mode: 0o700)
        let invocation = arguments.isEmpty ? remotePath : remotePath + " " + arguments
        let result: RemoteResult
        do {
            result = try await context.connection.run(context.remote(Self.runAndRemove(invocation, remotePath)))
        } catch {
            _ = try? await context.connection.run(context.remote("rm -f \(remotePath)"))
            throw error
        }
        return ActionOutcome(result: result, changed: true, summary: "script \(localPath)" + (arguments.isEmpty ? "" : " \(arguments)"))
    }

    /// Runs `invocation`, removes `path`, exits with the invocation's status.
    static func runAndRemove(_ invocation: String, _ path: String) -> String {
        "\(invocation); rc=$?; rm -f \(path); exit $rc"
    }
}

/// Names for the temporary files actions leave on hosts for the length of one command.
enum RemoteNames {
    /// 16 hex digits: unique enough that concurrent tasks on one host never collide.
    static func random() -> String {
        let text = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
