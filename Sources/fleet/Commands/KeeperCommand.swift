import ArgumentParser
import FleetKeep
import Foundation

/// `fleet keeper [status|stop]`: the background process that keeps SSH sessions open between
/// runs (for a minute by default, `--persist`). `serve` is how a run starts it, not meant for people.
struct KeeperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper",
        abstract: "Show or stop the background keeper of SSH sessions kept between runs.",
        discussion: """
            Runs leave their sessions with a keeper process of this user, which lends them to \
            the next runs and exits once unused for the persist time: 60s, or --persist \
            (FLEET_PERSIST); 0 turns keeping off. Its socket is in FLEET_KEEPER_DIR, else $XDG_RUNTIME_DIR/fleet, else /tmp/fleet-keeper-UID.
            """,
        subcommands: [Status.self, Stop.self, Serve.self],
        defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "List the kept sessions.")

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() async throws {
            let place = KeeperPlace.standard()
            guard let status = try await KeeperControl.status(place: place) else {
                if json { Console.out("{\"running\":false}\n") } else { Console.out("no keeper is running (\(place.socketPath))\n") }
                return
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                Console.out(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
                return
            }
            Console.out(KeeperStatusText.render(status, socket: place.socketPath))
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stop", abstract: "Close every kept session and end the keeper.")

        func run() async throws {
            let place = KeeperPlace.standard()
            if let pid = try await KeeperControl.stop(place: place) {
                Console.out("stopped the keeper (pid \(pid))\n")
            } else {
                Console.out("no keeper is running (\(place.socketPath))\n")
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the keeper (started by runs that keep their sessions).", shouldDisplay: false)

        @Option var dir: String
        @Option var persist: Double

        func run() async throws {
            try await KeeperServer.serve(place: KeeperPlace(folder: dir), persist: persist)
        }
    }
}

/// The table `fleet keeper status` prints.
enum KeeperStatusText {
    static func render(_ status: KeeperStatus, socket: String) -> String {
        let runs = status.clients == 1 ? "1 run" : "\(status.clients) runs"
        var text = "keeper pid \(status.pid), persist \(seconds(status.persist)), \(runs) connected, "
            + "\(status.hosts.count) session\(status.hosts.count == 1 ? "" : "s") (\(socket))\n"
        guard !status.hosts.isEmpty else { return text }
        let rows = [["HOST", "NAME", "STATE", "RUNNER", "AGE", "IDLE"]] + status.hosts.map {
            [$0.host, $0.name, $0.lent ? "lent" : "idle", $0.runner ? "yes" : "no", seconds($0.ageSeconds), seconds($0.idleSeconds)]
        }
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            text += zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return text
    }

    private static func seconds(_ value: Double) -> String {
        value < 120 ? "\(Int(value))s" : "\(Int(value / 60))m"
    }
}
