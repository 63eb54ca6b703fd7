import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// What fleet gives up on stops on the host too: the command's process group gets a signal
/// over the channel (sshd does not stop a command whose channel is closed). The lab hosts
/// share this machine's process table, so a `sleep` of a unique length shows what is left.
final class RemoteSignalTests: XCTestCase {
    /// At the timeout TERM, with no `timeout` command on the host involved.
    func testATimedOutCommandGetsTerm() async throws {
        let marker = Self.uniqueSleep()
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            await assertTimesOut(session, "\(marker); echo late")
            XCTAssertTrue(Self.waitUntilGone(marker, seconds: 2), "still running: \(ProcessTable.commandLines(containing: marker))")
        }
    }

    /// A command that ignores TERM gets KILL three seconds later.
    func testATimedOutCommandThatIgnoresTermGetsKill() async throws {
        let marker = Self.uniqueSleep()
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let start = Date()
            await assertTimesOut(session, "trap '' TERM; \(marker); echo late")
            XCTAssertFalse(Self.waitUntilGone(marker, seconds: 1.5), "gone before KILL was due: was TERM ignored at all?")
            XCTAssertTrue(Self.waitUntilGone(marker, seconds: 4), "still running: \(ProcessTable.commandLines(containing: marker))")
            XCTAssertGreaterThan(Date().timeIntervalSince(start), 1 + ExecOperation.killGrace - 0.5)
            let after = try await session.run("echo still here")
            XCTAssertEqual(after.stdoutText, "still here\n", "the session stays usable")
        }
    }

    /// Cancelling (Ctrl-C) sends a hangup to the command and what it started in the
    /// background, as closing a terminal would; a `nohup` process is left alone.
    func testACancelledCommandGetsAHangupThatNohupSurvives() async throws {
        let marker = Self.uniqueSleep(), survivor = Self.uniqueSleep()
        defer { for line in ProcessTable.commandLines(containing: survivor) { kill(Int32(line.prefix { $0 != ":" })!, SIGKILL) } }
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let (output, exit) = session.start("nohup \(survivor) >/dev/null 2>&1 & \(marker) & echo started; wait")
            var iterator = output.makeAsyncIterator()
            _ = await iterator.next()  // "started"
            // nohup ignores HUP only once it runs: wait for the sleep it starts.
            XCTAssertTrue(Self.waitUntil(seconds: 3) { !Self.running(survivor).isEmpty }, "the nohup sleep did not start")
            exit.cancel()
            do {
                _ = try await exit.value
                XCTFail("a cancelled command reported an exit status")
            } catch let error as SSHError {
                XCTAssertEqual(error, .cancelled)
            }
            XCTAssertTrue(Self.waitUntilGone(marker, seconds: 3), "still running: \(ProcessTable.commandLines(containing: marker))")
            XCTAssertFalse(Self.running(survivor).isEmpty, "nohup did not protect from the hangup")
            let after = try await session.run("echo still here")
            XCTAssertEqual(after.stdoutText, "still here\n", "the session stays usable")
        }
    }

    /// A command that never reads its input, with more input than the channel's window: the
    /// write waits for window space that never comes, and the hangup must still go out.
    func testACancelledCommandThatDoesNotReadItsInputGetsTheHangup() async throws {
        let marker = Self.uniqueSleep()
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let (_, exit) = session.start(marker, stdin: [UInt8](repeating: 120, count: 16 << 20))
            XCTAssertTrue(Self.waitUntil(seconds: 5) { !Self.running(marker).isEmpty }, "the command did not start")
            try await Task.sleep(nanoseconds: 300_000_000)  // the window fills
            exit.cancel()
            _ = try? await exit.value
            XCTAssertTrue(Self.waitUntilGone(marker, seconds: 3), "still running: \(ProcessTable.commandLines(containing: marker))")
        }
    }

    private func assertTimesOut(_ session: SSHSession, _ command: String, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await session.run(command, timeout: 1)
            XCTFail("the command should have timed out", file: file, line: line)
        } catch {
            XCTAssertEqual(error as? SSHError, .commandTimedOut(seconds: 1), file: file, line: line)
        }
    }

    private static func uniqueSleep() -> String {
        "sleep 47.\(Int.random(in: 100_000...999_999))"
    }

    /// Processes that are `command` itself (not a shell whose command line mentions it).
    private static func running(_ command: String) -> [String] {
        ProcessTable.commandLines(containing: command).filter { $0.hasSuffix(": \(command)") }
    }

    private static func waitUntilGone(_ marker: String, seconds: Double) -> Bool {
        waitUntil(seconds: seconds) { ProcessTable.commandLines(containing: marker).isEmpty }
    }

    private static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
