import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// Reaching hosts: unreachable ones fail within the timeout, dead peers are noticed,
/// and many sessions do not need a thread each.
final class ConnectionTests: XCTestCase {
    func testClosedPortAndBlackHoleAreUnreachableWithinTheTimeoutWhileOthersSucceed() async throws {
        let lab = try LabSupport.lab()
        let closed = try lab.closedPort()
        let blackHole = try lab.unreachableAddress()
        var settings = LabSupport.options(lab)
        settings.connectTimeout = 2
        let options = settings
        let user = lab.user
        let targets = [
            LabSupport.target(lab.hosts()[0]),
            SSHTarget(displayName: "closed", address: closed.address, port: closed.port, user: user),
            SSHTarget(displayName: "black-hole", address: blackHole, port: 22, user: user),
            LabSupport.target(lab.hosts()[1]),
        ]
        let start = Date()
        let results = await withTaskGroup(of: (String, Result<String, SSHError>, Double).self) { group in
            for target in targets {
                group.addTask {
                    let began = Date()
                    do {
                        let session = try await SSHSession.connect(to: target, options: options)
                        let output = try await session.run("hostname").stdoutText
                        await session.close()
                        return (target.displayName, .success(output), Date().timeIntervalSince(began))
                    } catch let error as SSHError {
                        return (target.displayName, .failure(error), Date().timeIntervalSince(began))
                    } catch {
                        return (target.displayName, .failure(.cancelled), 0)
                    }
                }
            }
            return await group.reduce(into: [String: (Result<String, SSHError>, Double)]()) { $0[$1.0] = ($1.1, $1.2) }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 4, "the black hole held everything up")
        XCTAssertEqual(try results["lab-master"]?.0.get(), "lab-master\n")
        XCTAssertEqual(try results["lab-node1"]?.0.get(), "lab-node1\n")
        guard case .failure(let refused)? = results["closed"]?.0,
              case .connectFailed(_, let port, let reason) = refused else {
            return XCTFail("closed port: \(String(describing: results["closed"]))")
        }
        XCTAssertEqual(port, closed.port)
        XCTAssertTrue(reason.lowercased().contains("refused"), reason)
        XCTAssertTrue(refused.isUnreachable)
        guard case .failure(let timedOut)? = results["black-hole"]?.0 else { return XCTFail("black hole connected") }
        XCTAssertEqual(timedOut, .connectTimedOut(host: blackHole, port: 22, seconds: 2))
        let elapsed = try XCTUnwrap(results["black-hole"]?.1)
        XCTAssertGreaterThanOrEqual(elapsed, 1.9)
        XCTAssertLessThan(elapsed, 3.5)
    }

    func testUnresolvableNameIsReported() async throws {
        let lab = try LabSupport.lab()
        do {
            _ = try await SSHSession.connect(
                to: SSHTarget(address: "no-such-host.invalid", user: "x"), options: LabSupport.options(lab))
            XCTFail("resolved a name that cannot exist")
        } catch let error as SSHError {
            guard case .resolveFailed(let host, _) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(host, "no-such-host.invalid")
        }
    }

    /// A peer that stops answering (its sshd frozen) is declared dead after a few silent
    /// keepalive intervals, instead of a command waiting forever.
    func testKeepaliveNoticesAFrozenPeer() async throws {
        let lab = try LabSupport.lab(hosts: 3)
        let host = lab.hosts()[2]
        var options = LabSupport.options(lab)
        options.keepaliveInterval = 1
        let session = try await SSHSession.connect(to: LabSupport.target(host), options: options)
        let pidText = try await session.run("echo $PPID").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        // $PPID is the per-connection sshd process serving this session: freeze it.
        let sessionProcess = try XCTUnwrap(Int32(pidText))
        kill(sessionProcess, SIGSTOP)
        defer { kill(sessionProcess, SIGCONT); kill(sessionProcess, SIGTERM) }
        let start = Date()
        do {
            _ = try await session.run("sleep 60")
            XCTFail("a frozen peer must be noticed")
        } catch let error as SSHError {
            guard case .connectionLost(let reason) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(reason.contains("keepalive"), reason)
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 8, "took \(elapsed)s to notice")
        XCTAssertFalse(session.isAlive)
    }

    /// Sessions are driven by readiness events on a few shared threads, not a thread per host.
    func testFiftyParallelSessionsUseFewThreads() async throws {
        let lab = try LabSupport.lab(hosts: 50)
        let hosts = Array(lab.hosts().prefix(50))
        XCTAssertEqual(hosts.count, 50)
        let options = LabSupport.options(lab)
        let peak = ThreadCounter()
        let sessions = try await withThrowingTaskGroup(of: SSHSession.self) { group in
            for host in hosts {
                group.addTask { try await SSHSession.connect(to: LabSupport.target(host), options: options) }
            }
            return try await group.reduce(into: [SSHSession]()) { $0.append($1) }
        }
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for session in sessions {
                group.addTask {
                    peak.sample()
                    let output = try await session.run("sleep 1; hostname").stdoutText
                    peak.sample()
                    return output
                }
            }
            let sampler = Task { for _ in 0..<10 { peak.sample(); try? await Task.sleep(nanoseconds: 100_000_000) } }
            defer { sampler.cancel() }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(names, Set(hosts.map { $0.name + "\n" }))
        for session in sessions { await session.close() }
        print("peak threads with 50 sessions each running a command: \(peak.maximum)")
        XCTAssertLessThan(peak.maximum, 16, "sessions should not need a thread each")
    }
}

/// Counts this process's threads (Linux /proc).
final class ThreadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var maximum = 0

    func sample() {
        let count = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
        lock.lock()
        maximum = max(maximum, count)
        lock.unlock()
    }
}
