import FleetConnect
import FleetCore
import Foundation
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
