import Foundation

/// `fleet keeper status` and `stop`: ask a running keeper, never start one.
public enum KeeperControl {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What the keeper holds; nil when none is running.
    public static func status(place: KeeperPlace) async throws -> KeeperStatus? {
        guard let link = try await KeeperLauncher.existing(place: place) else { return nil }
        defer { link.close() }
        guard case .status(let status) = try await link.call(.status) else {
            throw Failure(description: "the keeper at \(place.socketPath) gave an unexpected answer")
        }
        return status
    }

    /// Stops the keeper (its sessions close) and waits until it has let go of its socket.
    /// Returns the stopped keeper's pid; nil when none was running.
    public static func stop(place: KeeperPlace) async throws -> Int32? {
        guard let link = try await KeeperLauncher.existing(place: place) else { return nil }
        defer { link.close() }
        guard case .status(let status) = try await link.call(.status) else {
            throw Failure(description: "the keeper at \(place.socketPath) gave an unexpected answer")
        }
        _ = try await link.call(.stop)
        for _ in 0..<500 where access(place.socketPath, F_OK) == 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return status.pid
    }
}
