import FleetConnect
import FleetCore
import FleetSSH

/// The transport of a first run that keeps its sessions by becoming the keeper itself
/// (`FirstRunHandover`): it connects to every host on its own, as `--persist 0` does, and at
/// the end parks its live sessions instead of closing them.
public actor HandoverTransport: Transport {
    private let direct: SSHTransport
    private let persist: Double
    private let place: KeeperPlace

    /// - Parameter persist: Seconds the keeper stays after this run.
    public init(options: SSHOptions, taskRunner: Bool, persist: Double, place: KeeperPlace = .standard()) {
        direct = SSHTransport(options: options, taskRunner: taskRunner)
        self.persist = persist
        self.place = place
    }

    public func connection(to host: FleetCore.Host) async throws -> HostConnection {
        try await direct.connection(to: host)
    }

    public func shutdown() async {
        FirstRunHandover.park(await direct.handOver(), place: place, persist: persist)
    }
}
