import ArgumentParser
import FleetConnect
import FleetCore
import Foundation

/// `fleet ping -i INV [PATTERN]`: connect, check the host key and log in, per host, timed.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that every matching host can be connected to and logged in to.",
        discussion: "Exit code 0 when every host answered, 4 when some could not be reached, 65 for invalid input.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Host pattern (default: all).")
    var pattern: String = "all"

    @Flag(help: "Print JSON Lines, one object per host.")
    var json = false

    func run() async throws {
        let hosts = try Console.hosts(inventory: connection.inventory, pattern: pattern)
        let transport = SSHTransport(options: connection.sshOptions, taskRunner: false)
        let runs = await AdHocRunner(transport: transport, forks: connection.forks)
            .ping(hosts)
        await transport.shutdown()
        if json {
            Console.out(ExecReport.jsonLines(runs))
        } else {
            let width = hosts.map(\.name.count).max() ?? 0
            for run in runs {
                let name = run.host.padding(toLength: width, withPad: " ", startingAt: 0)
                switch run.outcome {
                case .completed:
                    Console.out("\(name)  ok           \(String(format: "%6.0f ms", run.duration * 1000))\n")
                case .unreachable(let message), .failed(let message):
                    Console.out("\(name)  UNREACHABLE  \(String(format: "%6.0f ms", run.duration * 1000))  \(message)\n")
                }
            }
        }
        let code = FleetExitCode.forRuns(runs)
        if code != 0 { throw ExitCode(code) }
    }
}
