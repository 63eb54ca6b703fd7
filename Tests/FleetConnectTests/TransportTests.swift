import FleetConnect
import FleetCore
import Foundation
import FleetLab
import XCTest

/// The SSH transport's promises to the scheduler: one session per host, reused, and
/// reconnected once when it drops.
final class TransportTests: XCTestCase {
    func testTasksShareOneSessionPerHost() async throws {
        let host = try LabHosts.hosts(count: 1)[0]
        let transport = LabHosts.transport()
        var connections: Set<String> = []
        for _ in 0..<5 {
            let result = try await transport.connection(to: host).run(RemoteCommand("echo $SSH_CONNECTION"))
            connections.insert(result.stdoutText)
        }
        await transport.shutdown()
        XCTAssertEqual(connections.count, 1, "every command should come over the same TCP connection")
    }

    func testADroppedSessionIsReconnectedOnceThenTheHostIsUnreachable() async throws {
        let host = try LabHosts.hosts(count: 1)[0]
        let transport = LabHosts.transport()
        func dropSession() async throws {
            // Killing the per-connection sshd drops the TCP connection under fleet's feet.
            _ = try? await transport.connection(to: host).run(RemoteCommand("kill -9 $PPID"))
            try await Task.sleep(nanoseconds: 300_000_000)
        }
        let first = try await transport.connection(to: host).run(RemoteCommand("echo $SSH_CONNECTION")).stdoutText
        try await dropSession()
        let second = try await transport.connection(to: host).run(RemoteCommand("echo $SSH_CONNECTION")).stdoutText
        XCTAssertNotEqual(first, second, "a new connection after the drop")
        try await dropSession()
        do {
            _ = try await transport.connection(to: host).run(RemoteCommand("true"))
            XCTFail("a second drop must leave the host unreachable")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .unreachable)
        }
        await transport.shutdown()
    }
}

extension TransportTests {
    /// Callers that ask for an unreachable host at the same time all hear "unreachable", and a
    /// later caller hears it at once instead of waiting out the connect timeout again.
    func testAnUnreachableHostIsReportedAlikeToConcurrentCallersAndNotRetried() async throws {
        let lab = try FleetLab.Lab.shared(count: 1)
        let base = try LabHosts.hosts(count: 1)[0]
        let hole = FleetCore.Host(name: "hole", address: try lab.unreachableAddress(), port: 22, user: base.user,
                                  keyPath: base.keyPath, knownHostsPath: base.knownHostsPath,
                                  hostKeyPolicy: "strict", connectTimeout: 1)
        let transport = LabHosts.transport()
        let kinds = await withTaskGroup(of: TransportError.Kind?.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do { _ = try await transport.connection(to: hole); return nil }
                    catch { return (error as? TransportError)?.kind }
                }
            }
            return await group.reduce(into: [TransportError.Kind?]()) { $0.append($1) }
        }
        XCTAssertEqual(kinds, [.unreachable, .unreachable, .unreachable])
        let start = Date()
        do {
            _ = try await transport.connection(to: hole)
            XCTFail("connected to a black hole")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .unreachable)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, "the host was tried again")
        await transport.shutdown()
    }
}
