import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A local lab of real SSH hosts, kept in one directory.
///
/// As root every host is a network namespace with its own IPv4 and IPv6 address, hostname
/// and `sshd`, all behind a bridge that reaches nothing outside the lab. Otherwise every host
/// is an `sshd` on 127.0.0.1 with its own port. Either way the directory holds what a client
/// needs: `id_ed25519` (authorised for the lab users), `known_hosts` with every host's key,
/// `inventory.yml` in fleet's format and, as root, `password` for the `fleetpw` account.
///
/// `up` is idempotent and can grow or shrink a lab; `down` removes every process, kernel
/// object and runtime file it made. Labs in different directories run side by side.
public struct Lab: Sendable {
    /// Where `fleet lab` keeps its lab unless told otherwise: relative to the working directory.
    public static let defaultDirectory = ".fleet/lab"
    /// The account that logs in with a password (root labs only).
    public static let passwordUser = LabAccounts.passwordUser

    public let directory: URL

    public init(directory: URL) {
        self.directory = directory.absoluteURL.standardizedFileURL
    }

    public var keyPath: URL { file("id_ed25519") }
    public var knownHostsPath: URL { file("known_hosts") }
    public var inventoryPath: URL { file("inventory.yml") }
    /// `fleetpw`'s password (root labs only), mode 0600.
    public var passwordPath: URL { file("password") }

    /// The user the client key logs in as: `fleet` as root, otherwise whoever runs fleet.
    public var user: String { Self.runsAsRoot ? LabAccounts.keyUser : LabAccounts.currentUser }

    var statePath: URL { file("lab.json") }
    var authorizedKeysPath: URL { file("authorized_keys") }
    var hostsDirectory: URL { file("hosts") }
    var lockPath: URL { file(".lock") }
    var id: String { LabLayout.id(for: directory) }

    static var runsAsRoot: Bool { geteuid() == 0 }

    private func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Makes the lab have exactly `count` running hosts and returns them, first the master.
    ///
    /// Hosts that already run and answer are kept untouched (same pid, same key); missing or
    /// dead ones are (re)created; hosts beyond `count` are removed. Returns once every sshd
    /// answers with its SSH banner.
    @discardableResult
    public func up(count: Int) throws -> [LabHost] {
        guard (1...LabLayout.maxHosts).contains(count) else {
            throw LabError.tooManyHosts(requested: count, limit: LabLayout.maxHosts)
        }
        for tool in Self.runsAsRoot ? ["ip", "ssh-keygen", "sshd", "unshare", "setsid", "useradd", "usermod", "chpasswd", "visudo"]
                                    : ["ssh-keygen", "sshd", "setsid"] {
            _ = try ExternalCommand.locate(tool)
        }
        try createDirectory(directory)
        let lock = try LabLock(lockPath)
        defer { withExtendedLifetime(lock) {} }
        return try LabBuilder(lab: self).up(count: count)
    }

    /// Stops every host and removes the lab's namespaces, bridge, sudoers rule (when no other
    /// lab is left) and runtime files. Safe to call when nothing runs.
    public func down() throws {
        guard FileManager.default.fileExists(atPath: directory.path) || Self.runsAsRoot else { return }
        try createDirectory(directory)
        let lock = try LabLock(lockPath)
        try LabBuilder(lab: self).down()
        try? FileManager.default.removeItem(at: lockPath)
        withExtendedLifetime(lock) {}
        try? FileManager.default.removeItem(at: directory) // only succeeds when empty
        _ = rmdir(directory.path)
    }

    /// Every recorded host with its sshd pid and whether it still runs.
    public func status() -> [LabHostStatus] {
        guard let state = LabState.load(from: statePath) else { return [] }
        return state.hosts.map { record in
            let config = hostDirectory(record.host.name).appendingPathComponent("sshd_config").path
            return LabHostStatus(host: record.host, pid: record.pid,
                                 alive: ProcessTable.isAlive(record.pid, commandLineContains: config))
        }
    }

    /// The hosts recorded by the last `up`, first the master; empty when the lab is down.
    public func hosts() -> [LabHost] {
        LabState.load(from: statePath)?.hosts.map(\.host) ?? []
    }

    /// `fleetpw`'s password, for tests of password authentication and `sudo` with a password.
    public func password() throws -> String {
        guard let text = AtomicFile.read(passwordPath) else {
            throw LabError.file(path: passwordPath.path, reason: "no password (the lab is down or not run as root)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An IPv4 address in this lab's subnet that silently drops packets, so a TCP connect to
    /// it hangs until the client's own timeout (for connect-timeout tests).
    public func unreachableAddress() throws -> String {
        guard Self.runsAsRoot else { throw LabError.needsRoot("an unreachable lab address") }
        guard let state = LabState.load(from: statePath) else {
            throw LabError.file(path: statePath.path, reason: "the lab is not up")
        }
        let network = NamespaceNetwork(layout: LabLayout(id: state.id, block: state.block))
        try network.ensureBridge(ipv6: NamespaceNetwork.ipv6Available)
        return network.layout.unreachableAddress
    }

    /// An address and port of a running lab host where nothing listens, so a connect is refused.
    public func closedPort() throws -> LabEndpoint {
        guard let master = hosts().first else {
            throw LabError.file(path: statePath.path, reason: "the lab is not up")
        }
        if Self.runsAsRoot { return LabEndpoint(address: master.address, port: 2) }
        // Loopback labs use a port block of their own; the one just below it is never a host.
        return LabEndpoint(address: master.address, port: master.port - 1)
    }

    func hostDirectory(_ name: String) -> URL { hostsDirectory.appendingPathComponent(name) }

    private func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw LabError.file(path: url.path, reason: error.localizedDescription)
        }
    }
}
