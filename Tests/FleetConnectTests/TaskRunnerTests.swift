import FleetConnect
import FleetCore
import FleetLab
import Foundation
import XCTest

/// Commands through the persistent per-host shell keep a channel's semantics.
final class TaskRunnerTests: XCTestCase {
    private func withRunnerAndChannel(_ body: (HostConnection, HostConnection) async throws -> Void) async throws {
        let host = try LabHosts.hosts(count: 1)[0]
        let viaRunner = SSHTransport(taskRunner: true)
        let viaChannels = SSHTransport(taskRunner: false)
        do {
            try await body(try await viaRunner.connection(to: host), try await viaChannels.connection(to: host))
        } catch {
            await viaRunner.shutdown()
            await viaChannels.shutdown()
            throw error
        }
        await viaRunner.shutdown()
        await viaChannels.shutdown()
    }

    func testSameResultsAsAChannelPerCommand() async throws {
        try await withRunnerAndChannel { runner, channel in
            let commands = [
                "echo out; echo err >&2; exit 3",
                "printf 'no newline'",
                "cat; echo after-cat",                      // stdin is closed, not the protocol stream
                "printf '\\000\\001\\377binary'",
                "head -c 300000 /dev/zero | tr '\\0' y",
                "echo \"$0\" | grep -q sh && echo shell-ok",
                "x='it'\"'\"'s'; echo \"$x\" $((6*7))",
                "false",
                "",
                "echo \"args=$# [$1]\"",                   // no positional parameters
                "echo one\necho 'two\nlines'\necho \"it's\"",
                "printf '%s\\n' \"'\" \"__fleet_task x 0 0 0 y\" '\\'",  // quotes and the runner's own words
            ]
            for command in commands {
                let a = try await runner.run(RemoteCommand(command))
                let b = try await channel.run(RemoteCommand(command))
                XCTAssertEqual(a.exitCode, b.exitCode, command)
                XCTAssertEqual(a.stdout, b.stdout, command)
                XCTAssertEqual(a.stderr, b.stderr, command)
            }
            // A syntax error fails that task alone (sh's message names `eval` here), and the
            // runner goes on.
            let broken = try await runner.run(RemoteCommand("if then fi"))
            XCTAssertEqual(broken.exitCode, 2)
            XCTAssertTrue(broken.stderrText.contains("Syntax error"), broken.stderrText)
            let next = try await runner.run(RemoteCommand("echo still"))
            XCTAssertEqual(next.stdoutText, "still\n")
        }
    }

    func testTasksDoNotLeakStateIntoEachOtherAndShareOneShell() async throws {
        try await withRunnerAndChannel { runner, _ in
            _ = try await runner.run(RemoteCommand("export LEAK=1; cd /; umask 000"))
            let after = try await runner.run(RemoteCommand("echo \"[$LEAK]\"; pwd; umask"))
            XCTAssertEqual(after.stdoutText.split(separator: "\n").first, "[]")
            XCTAssertFalse(after.stdoutText.contains("\n/\n"), after.stdoutText)
            // Every task is a child of the same long-lived runner shell.
            var parents: Set<String> = []
            for _ in 0..<5 { parents.insert(try await runner.run(RemoteCommand("echo $PPID")).stdoutText) }
            XCTAssertEqual(parents.count, 1)
        }
    }

    func testTimeoutBecomeAndOutputLimit() async throws {
        try await withRunnerAndChannel { runner, _ in
            let start = Date()
            do {
                _ = try await runner.run(RemoteCommand("sleep 20", timeout: 1))
                XCTFail("should time out")
            } catch let error as TransportError {
                XCTAssertEqual(error.kind, .timedOut)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 6)
            let root = try await runner.run(RemoteCommand("id -u", become: true))
            XCTAssertEqual(root.stdoutText, "0\n")
            let big = try await runner.run(RemoteCommand("head -c 1000000 /dev/zero", outputLimit: 1000))
            XCTAssertEqual(big.stdout.count, 1000)
            XCTAssertEqual(big.stdoutDropped, 999_000)
            // A background process keeps running without holding the answer back.
            let quick = Date()
            let background = try await runner.run(RemoteCommand("sleep 5 & echo started"))
            XCTAssertEqual(background.stdoutText, "started\n")
            XCTAssertLessThan(Date().timeIntervalSince(quick), 3)
        }
    }

    func testACommandThatKillsTheRunnerFailsAloneAndTheNextOneWorks() async throws {
        try await withRunnerAndChannel { runner, _ in
            do {
                _ = try await runner.run(RemoteCommand("kill -9 $$; sleep 1"))  // $$ in a subshell is the runner
                XCTFail("the runner was killed under the command")
            } catch let error as TransportError {
                XCTAssertEqual(error.kind, .failed)
            }
            let next = try await runner.run(RemoteCommand("echo next"))
            XCTAssertEqual(next.stdoutText, "next\n")
        }
    }

    /// Commands sent ahead run on the host without being asked for; the first non-zero exit
    /// stops the rest of the chain, and the runner serves the next request afterwards.
    func testCommandsSentAheadRunBackToBackAndStopAtTheFirstFailure() async throws {
        try await withRunnerAndChannel { runner, channel in
            // Lab hosts share this machine's file system.
            let folder = "/tmp/fleet-ahead-\(UUID().uuidString)"
            _ = try await channel.run(RemoteCommand("mkdir -p \(folder)"))
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let touchA = RemoteCommand("touch \(folder)/a; echo a-out")
            let fail = RemoteCommand("echo b-err >&2; exit 3")
            let touchC = RemoteCommand("touch \(folder)/c")
            let first = try await runner.run(RemoteCommand("echo first"), then: [touchA, fail, touchC])
            XCTAssertEqual(first.stdoutText, "first\n")
            let deadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: "\(folder)/a"), Date() < deadline {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/a"), "a command sent ahead runs before it is asked for")
            let a = try await runner.run(touchA, then: [fail, touchC])
            XCTAssertEqual(a.exitCode, 0)
            XCTAssertEqual(a.stdoutText, "a-out\n")
            let failed = try await runner.run(fail, then: [touchC])
            XCTAssertEqual(failed.exitCode, 3)
            XCTAssertEqual(failed.stderrText, "b-err\n")
            XCTAssertEqual(failed.stdoutText, "")
            // The caller stops after the failure; its next request is served after the skipped
            // command's answer is dropped, and the skipped command never ran.
            let after = try await runner.run(RemoteCommand("ls \(folder)"))
            XCTAssertEqual(after.stdoutText, "a\n")
            XCTAssertEqual(after.exitCode, 0)
        }
    }

    /// The end of a run leaves alone what a task started in the background: an idle runner
    /// ends at the end of its input, without the hangup an interrupted command gets.
    func testABackgroundProcessOutlivesTheRunnerAtTheEndOfTheRun() async throws {
        let survivor = "sleep 47.\(Int.random(in: 100_000...999_999))"
        defer { for line in ProcessTable.commandLines(containing: survivor) { kill(Int32(line.prefix { $0 != ":" })!, SIGKILL) } }
        let host = try LabHosts.hosts(count: 1)[0]
        let transport = SSHTransport(taskRunner: true)
        let connection = try await transport.connection(to: host)
        let started = try await connection.run(RemoteCommand("\(survivor) >/dev/null 2>&1 & echo $!"))
        XCTAssertEqual(started.exitCode, 0)
        await transport.shutdown()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        XCTAssertFalse(ProcessTable.commandLines(containing: survivor).isEmpty, "the background sleep ended with the run")
    }
}

extension TaskRunnerTests {
    /// A host whose sshd will not start the runner (here a forced command that answers
    /// `exec sh` with a line of its own and exits) gets channels instead. The first request
    /// went out before the runner's greeting: it must run once, over a channel, not twice.
    func testAHostThatCannotStartTheRunnerRunsEachCommandOnceOverChannels() async throws {
        let lab = try Lab.shared(count: 1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("forced").path
        try LabHosts.shell("ssh-keygen -q -t ed25519 -N '' -f \(key)")
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let forced = #"command="if [ \"$SSH_ORIGINAL_COMMAND\" = 'exec sh' ]; then echo no runner here; exit 0; fi; eval \"$SSH_ORIGINAL_COMMAND\"" "#
        // Rewritten in place (not replaced), as the lab's sshds read this very file.
        let authorized = lab.directory.appendingPathComponent("authorized_keys")
        let before = try String(contentsOf: authorized, encoding: .utf8)
        try Self.overwrite(authorized, with: before + forced + publicKey + "\n")
        defer { try? Self.overwrite(authorized, with: before) }

        let labHost = try LabHosts.hosts(count: 1)[0]
        let host = FleetCore.Host(name: labHost.name, address: labHost.address, port: labHost.port, user: labHost.user,
                                  keyPath: key, knownHostsPath: lab.knownHostsPath.path, hostKeyPolicy: "strict", connectTimeout: 5)
        let transport = SSHTransport(taskRunner: true)
        let connection = try await transport.connection(to: host)
        let marker = LabHosts.uniqueRemotePath("runner-fallback")
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let first = try await connection.run(RemoteCommand("echo ran >> \(marker); cat \(marker)"))
        XCTAssertEqual(first.exitCode, 0, first.stderrText)
        XCTAssertEqual(first.stdoutText, "ran\n", "the command ran once, over a channel")
        // The next ones go straight to channels: the command's parent is sshd, not a runner's sh.
        let parent = try await connection.run(RemoteCommand("cat /proc/$PPID/comm"))
        XCTAssertEqual(parent.stdoutText, "sshd\n")
        let timed = try await connection.run(RemoteCommand("echo timed", timeout: 5))
        XCTAssertEqual(timed.stdoutText, "timed\n")
        await transport.shutdown()
    }

    private static func overwrite(_ file: URL, with text: String) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }

}
