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
        var results = [HostRun?](repeating: nil, count: hosts.count)
        await withTaskGroup(of: (Int, HostRun).self) { group in
            var next = 0
            func launch() {
                let index = next
                let host = hosts[index]
                next += 1
                group.addTask {
                    let run = await Self.runOne(command, on: host, transport: transport)
                    onFinish(run)
                    return (index, run)
                }
            }
            while next < hosts.count && next < forks { launch() }
            while let (index, run) = await group.next() {
                results[index] = run
                if next < hosts.count { launch() }
            }
        }
        return results.map { $0! }
    }

    /// Connects to every host (host key, login) without running anything.
    public func ping(_ hosts: [Host]) async -> [HostRun] {
        await withTaskGroup(of: (Int, HostRun).self) { group in
            var results = [HostRun?](repeating: nil, count: hosts.count)
            var next = 0
            func launch() {
                let index = next
                let host = hosts[index]
                next += 1
                group.addTask {
                    let start = Date()
                    let outcome: HostOutcome
                    do {
                        _ = try await transport.connection(to: host)
                        outcome = .completed(RemoteResult(exitCode: 0))
                    } catch {
                        outcome = .unreachable((error as? TransportError)?.message ?? "\(error)")
                    }
                    return (index, HostRun(host: host.name, outcome: outcome, duration: Date().timeIntervalSince(start)))
                }
            }
            while next < hosts.count && next < forks { launch() }
            while let (index, run) = await group.next() {
                results[index] = run
                if next < hosts.count { launch() }
            }
            return results.map { $0! }
        }
    }

    static func runOne(_ command: RemoteCommand, on host: Host, transport: Transport) async -> HostRun {
        let start = Date()
        let outcome: HostOutcome
        do {
            let connection = try await transport.connection(to: host)
            outcome = .completed(try await connection.run(command))
        } catch let error as TransportError {
            outcome = error.kind == .unreachable ? .unreachable(error.message) : .failed(error.message)
        } catch {
            outcome = .failed("\(error)")
        }
        return HostRun(host: host.name, outcome: outcome, duration: Date().timeIntervalSince(start))
    }
}
