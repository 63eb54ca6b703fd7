import FleetConnect
import FleetCore
import FleetLab
import FleetTestSupport
import Foundation

/// The shared test lab's hosts as FleetCore sees them, and a real SSH transport to reach them.
///
/// Every suite in this target goes through here so they all log in the same way: the lab's
/// own key and known_hosts file, strict host-key checking, nothing from the user's ~/.ssh.
enum LabHosts {
    /// At least `count` running lab hosts, first the master.
    static func hosts(count: Int = 1) throws -> [FleetCore.Host] {
        let lab = try Lab.shared(count: count)
        return lab.hosts().prefix(count).map { host in
            FleetCore.Host(name: host.name, address: host.address, port: host.port, user: host.user,
                           keyPath: lab.keyPath.path, knownHostsPath: lab.knownHostsPath.path,
                           hostKeyPolicy: "strict", connectTimeout: 5)
        }
    }

    /// A transport for one test; call `shutdown()` when done.
    static func transport() -> SSHTransport {
        SSHTransport()
    }

    /// Runs a local command with /bin/sh and returns its stdout, trimmed.
    @discardableResult
    static func shell(_ command: String) throws -> String {
        try LocalShell.run(command).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A unique path under /tmp on the remote side, so tests never see each other's files.
    static func uniqueRemotePath(_ stem: String) -> String {
        "/tmp/fleet-\(stem)-\(UUID().uuidString)"
    }
}
