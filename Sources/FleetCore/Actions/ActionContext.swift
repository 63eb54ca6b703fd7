/// What an action needs from the scheduler for one host.
///
/// The scheduler builds one per task and host: the host's connection (one SSH session for
/// the whole run), its variables at this point of the run, and the task's `become`/`timeout`
/// after inheriting from the play.
public struct ActionContext: Sendable {
    public var host: Host
    public var connection: HostConnection
    /// The host's variables at this point of the run.
    public var scope: VariableScope
    /// Local `src` paths (copy, template, script) and a relative fetch `dest` are relative to it.
    public var playbookDirectory: String
    /// Run the action's remote commands through sudo.
    public var become: Bool
    /// Seconds before a command is abandoned; nil: no limit.
    public var timeout: Double?
    /// Local root for `fetch` when the task's `dest` renders empty (default `<playbook dir>/fetched`).
    public var fetchDirectory: String
    /// Commands the host will run after this action's command if it exits 0, which the
    /// connection may send ahead (see `RunContext.commandsAhead`). Only `shell`/`command` use it.
    public var following: [RemoteCommand] = []

    public init(host: Host, connection: HostConnection, scope: VariableScope, playbookDirectory: String,
                become: Bool = false, timeout: Double? = nil, fetchDirectory: String? = nil) {
        self.host = host
        self.connection = connection
        self.scope = scope
        self.playbookDirectory = playbookDirectory
        self.become = become
        self.timeout = timeout
        self.fetchDirectory = fetchDirectory ?? LocalFiles.join(playbookDirectory, "fetched")
    }

    /// `command` with this context's `become` and timeout.
    func remote(_ command: String, stdin: [UInt8] = [], timeout: Double? = nil) -> RemoteCommand {
        RemoteCommand(command, stdin: stdin, timeout: timeout ?? self.timeout, become: become)
    }
}
