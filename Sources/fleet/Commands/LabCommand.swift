import ArgumentParser
import Foundation
import FleetLab

/// `fleet lab up [N] | down | status`: a local lab of real SSH hosts to try fleet on.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Start, stop or list local SSH hosts for trying fleet.",
        subcommands: [Up.self, Down.self, Status.self]
    )

    /// The `--dir` option every lab subcommand takes.
    struct DirectoryOption: ParsableArguments {
        @Option(name: .customLong("dir"), help: "Directory holding the lab's keys, inventory and state.")
        var path: String = Lab.defaultDirectory

        var lab: Lab { Lab(directory: URL(fileURLWithPath: path)) }
    }

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract: "Start N SSH hosts (keeps the ones already running) and write their inventory.")

        @Argument(help: "Number of hosts: lab-master, then lab-node1 ...")
        var count: Int = 3

        @OptionGroup var directory: DirectoryOption

        func validate() throws {
            guard count >= 1 else { throw ValidationError("the lab needs at least one host") }
        }

        func run() throws {
            let lab = directory.lab
            let started = Date()
            let hosts = try runReportingErrors { try lab.up(count: count) }
            for host in hosts {
                let port = host.port == 22 ? "" : ":\(host.port)"
                let address6 = host.address6.map { "  \($0)" } ?? ""
                print("\(host.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(host.user)@\(host.address)\(port)\(address6)")
            }
            let inventory = relativePath(lab.inventoryPath)
            FileHandle.standardError.write(Data("""
                \(hosts.count) lab hosts up in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; inventory \(inventory)
                next: fleet exec -i \(inventory) all -- uptime
                      ssh -i \(relativePath(lab.keyPath)) -o UserKnownHostsFile=\(relativePath(lab.knownHostsPath)) \(hosts[0].user)@\(hosts[0].address)\(hosts[0].port == 22 ? "" : " -p \(hosts[0].port)")
                      fleet lab down

                """.utf8))
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop every lab host and remove what the lab created.")

        @OptionGroup var directory: DirectoryOption

        func run() throws {
            try runReportingErrors { try directory.lab.down() }
            FileHandle.standardError.write(Data("lab down\n".utf8))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "List lab hosts with address, sshd pid and whether it runs.")

        @OptionGroup var directory: DirectoryOption

        func run() throws {
            let hosts = directory.lab.status()
            guard !hosts.isEmpty else {
                print("no lab in \(relativePath(directory.lab.directory))")
                return
            }
            for status in hosts {
                let host = status.host
                let address = host.port == 22 ? host.address : "\(host.address):\(host.port)"
                print([host.name.padding(toLength: 12, withPad: " ", startingAt: 0),
                       address.padding(toLength: 16, withPad: " ", startingAt: 0),
                       (host.address6 ?? "-").padding(toLength: 24, withPad: " ", startingAt: 0),
                       "pid \(status.pid)".padding(toLength: 12, withPad: " ", startingAt: 0),
                       status.alive ? "alive" : "dead"].joined(separator: " "))
            }
            if hosts.contains(where: { !$0.alive }) { throw ExitCode(4) }
        }
    }
}

/// Prints a lab error's description on stderr and exits non-zero instead of a raw dump.
private func runReportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LabError {
        FileHandle.standardError.write(Data((error.errorDescription ?? "\(error)").utf8 + [0x0a]))
        throw ExitCode.failure
    }
}

/// `path` relative to the working directory when it is inside it, for shorter hints.
private func relativePath(_ url: URL) -> String {
    let current = FileManager.default.currentDirectoryPath + "/"
    return url.path.hasPrefix(current) ? String(url.path.dropFirst(current.count)) : url.path
}
