import FleetConnect
import FleetCore
import FleetSSH
import Foundation

/// A transport that borrows its sessions from this user's connection keeper (`--persist`, on
/// by default): a host logged in to by an earlier run, not long ago, is used again without a
/// new login.
///
/// Whatever the keeper cannot do falls back to a session of the run's own (`SSHTransport`), so
/// keeping connections never makes a run fail that would work without it: no keeper could be
/// started (the reason is told once), the run holds a password (never handed to the keeper),
/// or a host's login needs a password or passphrase.
public actor KeptTransport: Transport {
    private let options: SSHOptions
    private let taskRunner: Bool
    private let persist: Double
    private let place: KeeperPlace
    private let direct: SSHTransport
    private let askedFor: Bool
    private let notice: @Sendable (String) -> Void
    private var linking: Task<KeeperLink?, Never>?
    private var connections: [String: Task<HostConnection, Error>] = [:]
    private var nextLease = 1

    /// - Parameters:
    ///   - persist: Seconds the keeper stays after this run.
    ///   - askedFor: Whether the user asked for kept sessions, rather than getting the default:
    ///     then a secret in the environment, which keeps the keeper out, is worth saying.
    ///   - notice: Where to say why connections are not kept, once per run.
    public init(options: SSHOptions, taskRunner: Bool = true, persist: Double, askedFor: Bool = true,
                place: KeeperPlace = .standard(), notice: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.taskRunner = taskRunner
        self.persist = persist
        self.place = place
        self.direct = SSHTransport(options: options, taskRunner: taskRunner)
        self.askedFor = askedFor
        self.notice = notice
    }

    public func connection(to host: FleetCore.Host) async throws -> HostConnection {
        if let existing = connections[host.name] { return try await existing.value }
        let opening = Task { try await self.open(host) }
        connections[host.name] = opening
        return try await opening.value
    }

    public func shutdown() async {
        if let link = await linking?.value {
            _ = try? await link.call(.bye)
            link.close()
        }
        await direct.shutdown()
    }

    private func open(_ host: FleetCore.Host) async throws -> HostConnection {
        guard let link = await keeperLink() else { return try await direct.connection(to: host) }
        let lease = nextLease
        nextLease += 1
        let target = SSHTransport.target(for: host)
        let hostOptions = SSHTransport.hostOptions(for: host, base: options)
        let reply: KeeperReply
        do {
            reply = try await link.call(.open(lease: lease, target: WireTarget(target), options: WireOptions(hostOptions),
                                              runner: taskRunner))
        } catch is KeeperLink.Lost {
            throw KeptHostConnection.lostKeeper(place)
        }
        switch reply {
        case .opened:
            return KeptHostConnection(link: link, lease: lease, place: place)
        case .failure(_, _, login: true):
            return try await direct.connection(to: host)
        case .failure(let kind, let message, _):
            throw TransportError(kind.kind, message)
        default:
            throw TransportError(.failed, "unexpected answer from the connection keeper")
        }
    }

    /// The link to the keeper, made once per run; nil (and a notice) when there cannot be one.
    private func keeperLink() async -> KeeperLink? {
        if let linking { return await linking.value }
        let place = self.place, persist = self.persist, askedFor = self.askedFor, notice = self.notice
        let task = Task<KeeperLink?, Never> {
            let environment = ProcessInfo.processInfo.environment
            if let secret = KeeperLauncher.secretVariables.first(where: { environment[$0] != nil }) {
                if askedFor { notice("connections not kept: \(secret) is set, and passwords are never handed to the keeper") }
                return nil
            }
            do {
                return try await KeeperLauncher.link(place: place, persist: persist)
            } catch {
                notice("connections not kept: \(error)" + (askedFor ? "" : " (FLEET_PERSIST=0 stops trying)"))
                return nil
            }
        }
        linking = task
        return await task.value
    }
}
