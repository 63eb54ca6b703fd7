import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// The host-side timeout of commands on their own channel, run by a real sshd.
final class RemoteTimeoutTests: XCTestCase {
    func testDurationsAreWhatTimeoutReadsAndNeverZero() {
        XCTAssertEqual(RemoteTimeout.duration(1), "1")
        XCTAssertEqual(RemoteTimeout.duration(90), "90")
        XCTAssertEqual(RemoteTimeout.duration(0.5), "0.500")
        XCTAssertEqual(RemoteTimeout.duration(1.0001), "1.001")
        XCTAssertEqual(RemoteTimeout.duration(0), "0.001")
        XCTAssertEqual(RemoteTimeout.duration(.infinity), "1000000000")
    }

    /// Without fleet's own deadline, only the wrapper can end the command: it must, on time.
    func testTheHostEndsTheCommandAtItsDeadline() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let start = Date()
            let result = try await session.run(RemoteTimeout.wrap("echo started; sleep 20; echo late", seconds: 0.5))
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertEqual(result.status, ExitStatus(code: 124))
            XCTAssertTrue(RemoteTimeout.endedByTimeout(result.status))
            XCTAssertEqual(result.stdoutText, "started\n")
            XCTAssertLessThan(elapsed, 5)
        }
    }

    /// A TERM the command ignores is followed by KILL three seconds later.
    func testACommandThatIgnoresTermIsKilled() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let start = Date()
            let result = try await session.run(RemoteTimeout.wrap("trap '' TERM; sleep 20", seconds: 0.5))
            XCTAssertEqual(result.status, ExitStatus(code: nil, signal: "KILL"))
            XCTAssertTrue(RemoteTimeout.endedByTimeout(result.status))
            XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        }
    }

    /// The command's quoting, exit code, stdin and stdout pass through the wrapper unchanged.
    func testTheCommandRunsAsWrittenWithinItsTime() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let command = #"printf '%s|' "it's" "a \"quoted\" \$word"; read line; echo "$line"; exit 7"#
            let result = try await session.run(RemoteTimeout.wrap(command, seconds: 10), stdin: Array("input\n".utf8))
            XCTAssertEqual(result.status, ExitStatus(code: 7))
            XCTAssertFalse(RemoteTimeout.endedByTimeout(result.status))
            XCTAssertEqual(result.stdoutText, #"it's|a "quoted" $word|input"# + "\n")
        }
    }

    /// On a host without coreutils `timeout` the command still runs (only fleet's deadline
    /// applies there). The lab hosts share this machine's file system, so a directory with
    /// nothing but `sh` in it stands in for such a host's PATH.
    func testAHostWithoutTimeoutRunsTheCommandAnyway() async throws {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-no-timeout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("sh").path, withDestinationPath: "/bin/sh")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.path)
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let line = "PATH=\(bin.path); export PATH; " + RemoteTimeout.wrap("echo ran; exit 3", seconds: 5)
            let result = try await session.run(line)
            XCTAssertEqual(result.status, ExitStatus(code: 3))
            XCTAssertEqual(result.stdoutText, "ran\n")
            XCTAssertEqual(result.stderrText, "")
        }
    }
}
