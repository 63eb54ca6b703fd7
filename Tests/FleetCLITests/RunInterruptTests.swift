import FleetLab
import Foundation
import XCTest

/// Ctrl-C during `fleet run`: fleet does not wait for the running command, which gets a
/// hangup on its host (with what it started), what was captured before is kept in state,
/// the recap and the interrupted note are printed, and the exit code is 130.
final class RunInterruptTests: XCTestCase {
    func testInterruptDuringALongTaskKeepsStateAndExits130() throws {
        let folder = try interruptDuringALongTask()
        try? FileManager.default.removeItem(at: folder)
    }

    /// SIGTERM (`kill`, a service manager, a CI job's timeout) is handled like Ctrl-C: state
    /// kept, recap printed, exit 130, rather than the process dying on the spot.
    func testTermDuringALongTaskIsHandledLikeCtrlC() throws {
        let folder = try interruptDuringALongTask(signal: SIGTERM)
        try? FileManager.default.removeItem(at: folder)
    }

    /// The same through the connection keeper: the keeper stops the command as the run's own
    /// process would, the task after it never runs, and the kept session is still good for
    /// the next run.
    func testInterruptWithKeptSessionsStopsTheRemoteChainAndKeepsTheSession() throws {
        try FleetBinary.withOwnKeeper { environment, _ in
            let folder = try interruptDuringALongTask(arguments: ["--persist", "30"], environment: environment)
            defer { try? FileManager.default.removeItem(at: folder) }

            let status = try FleetBinary.run(["keeper", "status"], environment: environment)
            XCTAssertTrue(status.stdout.contains("1 session"), status.stdout + status.stderr)
            XCTAssertTrue(status.stdout.contains(" idle "), "the interrupted run's session was not given back:\n" + status.stdout)
            try "- hosts: all\n  tasks:\n    - shell: echo after\n".write(to: folder.appendingPathComponent("after.yml"), atomically: true, encoding: .utf8)
            let after = try FleetBinary.run(["run", "after.yml", "-i", "hosts.yml", "--persist", "30"], environment: environment, directory: folder)
            XCTAssertEqual(after.status, 0, after.stdout + after.stderr)
        }
    }

    /// Interrupts a run during its long task and checks what every interrupted run must show.
    /// Returns the folder with the run's inventory (`hosts.yml`), for more checks.
    private func interruptDuringALongTask(arguments: [String] = [], environment: [String: String] = [:],
                                          signal: Int32 = SIGINT) throws -> URL {
        let lab = try Lab.shared(count: 1)
        let host = try XCTUnwrap(lab.hosts().first)
        let folder = try FleetBinary.temporaryDirectory()
        // Where the lab host's login (another account) leaves its marks: this machine's disk.
        let remote = folder.appendingPathComponent("remote")
        try FileManager.default.createDirectory(at: remote, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        let started = remote.appendingPathComponent("sleep-started")
        let sleeper = remote.appendingPathComponent("sleep-pid")
        try """
            defaults: { user: \(lab.user), key: "\(lab.keyPath.path)", known_hosts: "\(lab.knownHostsPath.path)" }
            groups:
              lab:
                hosts:
                  \(host.name): { address: \(host.address), port: \(host.port) }
            """.write(to: folder.appendingPathComponent("hosts.yml"), atomically: true, encoding: .utf8)
        try """
            - name: interrupted
              hosts: all
              tasks:
                - name: make a token
                  shell: echo token-7f3a
                  capture: { as: token, ttl: 1h }
                - name: long task
                  shell: "sleep 30 & echo $! > \(sleeper.path); touch \(started.path); wait"
                - name: never reached
                  shell: touch \(remote.appendingPathComponent("reached").path)
            """.write(to: folder.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = FleetBinary.url
        process.arguments = ["run", "site.yml", "-i", "hosts.yml", "--color", "never"] + arguments
        process.currentDirectoryURL = folder
        process.environment = FleetBinary.environment(environment)
        let stdout = folder.appendingPathComponent("stdout"), stderr = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        XCTAssertTrue(FleetBinary.waitUntil(seconds: 15) { FileManager.default.fileExists(atPath: started.path) || !process.isRunning }
                      && process.isRunning,
                      "the long task did not start: " + ((try? String(contentsOf: stderr, encoding: .utf8)) ?? ""))
        let remoteSleep = try XCTUnwrap(Int32(String(contentsOf: sleeper, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let interruptedAt = Date()
        kill(process.processIdentifier, signal)
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 5) { !process.isRunning }, "fleet still runs 5 s after signal \(signal)")
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(interruptedAt)
        let out = try String(contentsOf: stdout, encoding: .utf8), err = try String(contentsOf: stderr, encoding: .utf8)

        XCTAssertEqual(process.terminationReason, .exit, err)
        XCTAssertEqual(process.terminationStatus, 130, out + err)
        XCTAssertLessThan(elapsed, 5, err)
        XCTAssertTrue(err.contains("interrupted: state kept; running commands were sent a hangup"), err)
        XCTAssertTrue(out.contains("HOST") && out.split(separator: "\n").contains { $0.hasPrefix("total ") }, "no recap: " + out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: remote.appendingPathComponent("reached").path), "a task ran after Ctrl-C")
        // fleet did not wait for the command (the remote sleep had more than 20 s to go), and
        // the command's process group on the host got a hangup: the sleep it started in the
        // background is gone too (the lab host is this machine). Checked by the sleep's own pid.
        let remoteSleepGone = FleetBinary.waitUntil(seconds: 3) {  // a zombie has no command line
            !FleetBinary.processes(containing: "sleep 30").contains { $0.hasPrefix("\(remoteSleep): ") }
        }
        XCTAssertTrue(remoteSleepGone, "the remote sleep still runs 3 s after the interrupt")
        if !remoteSleepGone { kill(remoteSleep, SIGTERM) }

        let state = try FleetBinary.run(["state", "-i", "hosts.yml"], directory: folder)
        XCTAssertEqual(state.status, 0, state.stderr)
        let row = try XCTUnwrap(state.stdout.split(separator: "\n").first { $0.contains(" token ") || $0.hasSuffix(" token") },
                                "the capture made before Ctrl-C is not in state:\n" + state.stdout)
        XCTAssertTrue(row.hasPrefix(host.name), String(row))
        return folder
    }
}
