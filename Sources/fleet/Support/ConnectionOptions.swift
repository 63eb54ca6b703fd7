import ArgumentParser
import FleetSSH

/// Flags every command that connects to hosts shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "The inventory file (fleet YAML, Ansible YAML or INI).")
    var inventory: String

    @Option(help: "Hosts to work on at the same time.")
    var forks: Int = 50

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a host's TCP connection.")
    var connectTimeout: Double = 10

    @Option(name: .customLong("host-key-checking"),
            help: "strict (refuse unknown hosts) or accept-new (record them on first use).")
    var hostKeyChecking: String?

    func validate() throws {
        if forks < 1 { throw ValidationError("--forks must be at least 1") }
        if connectTimeout <= 0 { throw ValidationError("--connect-timeout must be positive") }
        if let policy = hostKeyChecking, HostKeyPolicy(rawValue: policy) == nil {
            throw ValidationError("--host-key-checking must be strict or accept-new")
        }
    }

    var sshOptions: SSHOptions {
        var options = SSHOptions()
        options.connectTimeout = connectTimeout
        if let policy = hostKeyChecking.flatMap(HostKeyPolicy.init(rawValue:)) { options.hostKeyPolicy = policy }
        return options
    }
}
