import FleetCore
import FleetSSH

/// One host's session kept open between runs (by `fleet keeper`) and lent to one run at a time.
///
/// It wraps the same slot a run's own transport uses, so a kept host behaves exactly like a
/// fresh one: the task runner, the one reconnect, the same errors. Only the login is done
/// here, so that its failure keeps FleetSSH's own error: the keeper tells a login that needs
/// a password or passphrase (which it never holds) apart from a host that cannot be reached.
public final class KeptHost: Sendable {
    public let target: SSHTarget
    /// The settings it logged in with: a later run is lent it only if it would use the same.
    public let options: SSHOptions
    private let slot: HostSlot

    private init(target: SSHTarget, options: SSHOptions, slot: HostSlot) {
        self.target = target
        self.options = options
        self.slot = slot
    }

    /// A slot a run opened and used itself (`SSHTransport.handOver()`).
    convenience init(adopting slot: HostSlot) {
        self.init(target: slot.target, options: slot.options, slot: slot)
    }

    /// Connects to `target` and logs in.
    public static func connect(to target: SSHTarget, options: SSHOptions) async throws -> KeptHost {
        let session = try await SSHSession.connect(to: target, options: options)
        return KeptHost(target: target, options: options, slot: HostSlot(target: target, options: options, useTaskRunner: true, session: session))
    }

    /// Whether the session is still up and can be lent again.
    public var isAlive: Bool {
        get async { await slot.isAlive }
    }

    /// Whether the host's task runner is running (a run borrowing it skips starting one).
    public var hasRunner: Bool {
        get async { await slot.hasRunner }
    }

    /// The connection for one borrower. `runner: false` runs every command on a channel of its
    /// own, by the login shell, as `fleet exec` does.
    public func connection(runner: Bool) async throws -> HostConnection {
        await slot.renewReconnect()
        return try await slot.connection(runner: runner)
    }

    /// Stops the task runner and closes the session.
    public func close() async {
        await slot.close()
    }
}
