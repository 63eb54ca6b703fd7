import FleetCore
import Foundation

/// A `Transport` for scheduler tests: each "host" runs its commands in this machine's own
/// `/bin/sh` (off the cooperative thread pool, so slow hosts really run side by side), and
/// every command is recorded with its host and start and end times. Hosts named in
/// `unreachable` fail to connect the way SSH does.
final class FakeTransport: Transport, @unchecked Sendable {
    struct Record: Sendable {
        var host: String
        var command: String
        var started: Date
        var ended: Date
    }

    fileprivate let lock = NSLock()
    private var records: [Record] = []
    private var connections: [String: Int] = [:]
    fileprivate var offers: [(host: String, command: String, following: [String])] = []
    let unreachable: Set<String>

    init(unreachable: Set<String> = []) {
        self.unreachable = unreachable
    }

    /// Every command run so far, in the order they finished.
    var commands: [Record] { lock.withLock { records } }

    func commands(on host: String) -> [String] { commands.filter { $0.host == host }.map(\.command) }

    /// For each command, in the order they were asked for, the commands the scheduler said
    /// would follow it (`run(_:then:)`). This transport runs them only when asked.
    var offeredAhead: [(host: String, command: String, following: [String])] { lock.withLock { offers } }

    /// How many times each host was connected to (the transport contract: once per run).
    var connectionCounts: [String: Int] { lock.withLock { connections } }

    func connection(to host: FleetCore.Host) async throws -> HostConnection {
        if unreachable.contains(host.name) {
            throw TransportError(.unreachable, "\(host.name): connection refused")
        }
        lock.withLock { connections[host.name, default: 0] += 1 }
        return Connection(host: host.name, transport: self)
    }

    func shutdown() async {}

    fileprivate func append(_ record: Record) {
        lock.withLock { records.append(record) }
    }

    private struct Connection: HostConnection {
        let host: String
        let transport: FakeTransport

        func run(_ command: RemoteCommand, then following: [RemoteCommand]) async throws -> RemoteResult {
            transport.lock.withLock { transport.offers.append((host, command.command, following.map(\.command))) }
            return try await run(command)
        }

        func run(_ command: RemoteCommand) async throws -> RemoteResult {
            let started = Date()
            let result: RemoteResult = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try FakeHost.shell(command.command, stdin: command.stdin) })
                }
            }
            transport.append(Record(host: host, command: command.command, started: started, ended: Date()))
            return result
        }

        func upload(_ bytes: [UInt8], to path: String, mode: Int) async throws {
            transport.append(Record(host: host, command: "upload \(path)", started: Date(), ended: Date()))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        func download(_ path: String) async throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TransportError(.failed, "no such file: \(path)")
            }
            return [UInt8](data)
        }
    }
}
