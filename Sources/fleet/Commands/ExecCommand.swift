import ArgumentParser
import FleetConnect
import FleetCore
import Foundation

/// `fleet exec -i INV PATTERN -- CMD`: one command on many hosts, identical results shown once.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run an ad-hoc command on every matching host in parallel.",
        discussion: """
            Identical results are shown once with the hosts that produced them, failures and \
            unreachable hosts last. Exit code: 0 all ok, 2 some host failed, 4 some host \
            unreachable (6 both), 65 invalid inventory or pattern, 130 interrupted (Ctrl-C or \
            SIGTERM: running commands get a hangup on their hosts).
            """)

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var keep: PersistOption

    /// Output kept per host and stream: results are grouped in memory, so a host printing
    /// gigabytes is cut here rather than growing fleet without bound. Each kept byte costs about
    /// 3.5 bytes of RSS by the time it is printed (growing buffer, text, grouping), so 4 MiB keeps
    /// `fleet exec` under 64 MB even when one host prints 1 GiB (16 MiB cost 91 MB).
    static let outputLimit = 4 << 20

    @Argument(help: "Host pattern: all, group, host, globs, a:b, a:&b, a:!b.")
    var pattern: String

    @Argument(parsing: .postTerminator, help: "The command, after --.")
    var command: [String] = []

    @Option(help: "Seconds before a host's command is abandoned.")
    var timeout: Double?

    @Flag(help: "Run through sudo (password from FLEET_BECOME_PASSWORD, if sudo needs one).")
    var become = false

    @Flag(help: "Print JSON Lines on stdout: a host_result event per host (see Docs/events.md).")
    var json = false

    @Flag(name: .customLong("no-group"), help: "Print each host's result separately.")
    var noGroup = false

    @OptionGroup(title: "Output") var colors: TerminalColorOptions

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the command after --, e.g. fleet exec -i hosts.ini all -- uptime")
        }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let hosts = try Console.hosts(inventory: connection.inventory, pattern: pattern)
        // Several words are joined as ssh does: the remote shell parses them again.
        let text = command.joined(separator: " ")
        let transport = keep.transport(options: connection.sshOptions, taskRunner: false)
        let started = Date()
        let runner = AdHocRunner(transport: transport, forks: connection.forks)
        let remote = RemoteCommand(text, timeout: timeout, become: become, outputLimit: Self.outputLimit)
        let running = Task { await runner.run(remote, on: hosts) }
        let interrupt = Interrupt.onSignal(cancelling: "running commands") { running.cancel() }
        let runs = await running.value
        interrupt.forEach { $0.cancel() }
        await transport.shutdown()
        if json {
            Console.out(ExecReport.jsonLines(runs))
        } else {
            let palette = Terminal.palette(colors.color, for: STDOUT_FILENO)
            Console.out(noGroup ? ExecReport.perHost(runs, palette: palette) : ExecReport.grouped(runs, palette: palette))
            Console.error(ExecReport.summary(runs, seconds: Date().timeIntervalSince(started)))
        }
        if running.isCancelled { throw ExitCode(FleetExitCode.interrupted) }
        let code = FleetExitCode.forRuns(runs)
        if code != 0 { throw ExitCode(code) }
    }
}
