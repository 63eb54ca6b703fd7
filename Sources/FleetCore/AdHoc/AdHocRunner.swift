import Foundation

/// Runs one command on many hosts at once, at most `forks` at a time (`fleet exec`).
public struct AdHocRunner: Sendable {
    public var transport: Transport
    public var forks: Int

    public init(transport: Transport, forks: Int = 50) {
        self.transport = transport
        self.forks = max(1, forks)
    }

    /// Runs `command` on every host and returns their outcomes in the hosts' order.
    /// `onFinish` is called as each host finishes (for live progress).
    public func run(
        _ command: RemoteCommand, on hosts: [Host],
        onFinish: @escaping @Sendable (HostRun) -> Void = { _ in }
    ) async -> [HostRun] {
        let transport = self.transport
        return await boundedParallelMap(hosts, limit: forks) { host in
            let run = await Self.timed(host) { try await transport.connection(to: host).run(command) }
            onFinish(run)
            return run
        }
    }

    /// Connects to every host (host key, login) without running anything.
    public func ping(_ hosts: [Host]) async -> [HostRun] {
        let transport = self.transport
        return await boundedParallelMap(hosts, limit: forks) { host in
            await Self.timed(host) {
                _ = try await transport.connection(to: host)
                return RemoteResult(exitCode: 0)
            }
        }
    }

    /// Runs `work` for `host`, turning transport errors into outcomes and timing it all.
    static func timed(_ host: Host, _ work: () async throws -> RemoteResult) async -> HostRun {
        let start = Date()
        let outcome: HostOutcome
        do {
            outcome = .completed(try await work())
        } catch let error as TransportError {
            outcome = error.kind == .unreachable ? .unreachable(error.message) : .failed(error.message)
        } catch is CancellationError {
            // In the words the SSH layer uses for a command it was told to stop.
            outcome = .failed("cancelled")
        } catch {
            outcome = .failed("\(error)")
        }
        return HostRun(host: host.name, outcome: outcome, duration: Date().timeIntervalSince(start))
    }
}
