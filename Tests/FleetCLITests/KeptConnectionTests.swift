import FleetLab
import Foundation
import XCTest

/// `--persist`: sessions kept by the background keeper and reused by later runs, against real
/// lab hosts. A reused session shows in `$SSH_CONNECTION`: the client's port of the TCP
/// connection is the same as in the run before; a new login gets a new port.
final class KeptConnectionTests: XCTestCase {
    private var keeperFolder: URL!
    private var environment: [String: String] { ["FLEET_KEEPER_DIR": keeperFolder.path] }

    override func setUpWithError() throws {
        keeperFolder = try FleetBinary.temporaryDirectory()
        chmod(keeperFolder.path, 0o700)
    }

    override func tearDownWithError() throws {
        _ = try? FleetBinary.run(["keeper", "stop"], environment: environment)
        try? FileManager.default.removeItem(at: keeperFolder)
    }

    func testExecReusesKeptSessionsUntilTheKeeperIsStopped() throws {
        let lab = try Lab.shared(count: 3)
        let exec = ["exec", "-i", lab.inventoryPath.path, "--no-group", Self.firstThree(lab), "--persist", "30", "--", "echo $SSH_CONNECTION"]
        let first = try FleetBinary.run(exec, environment: environment)
        let second = try FleetBinary.run(exec, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(FleetBinary.sshConnections(first.stdout).count, 3, first.stdout)
        XCTAssertEqual(FleetBinary.sshConnections(second.stdout), FleetBinary.sshConnections(first.stdout), "the second run logged in again")

        let status = try keeperStatus()
        XCTAssertEqual(status.hosts.count, 3)
        XCTAssertTrue(status.hosts.allSatisfy { !$0.lent }, "\(status.hosts)")
        XCTAssertEqual(Set(status.hosts.map(\.name)), Set(lab.hosts().prefix(3).map(\.name)))

        let stop = try FleetBinary.run(["keeper", "stop"], environment: environment)
        XCTAssertEqual(stop.stdout, "stopped the keeper (pid \(status.pid))\n", stop.stderr)
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 5) { kill(status.pid, 0) != 0 }, "the keeper still runs after stop")
        let none = try FleetBinary.run(["keeper", "status"], environment: environment)
        XCTAssertTrue(none.stdout.hasPrefix("no keeper is running"), none.stdout)

        let third = try FleetBinary.run(exec, environment: environment)
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(FleetBinary.sshConnections(third.stdout).isDisjoint(with: FleetBinary.sshConnections(first.stdout)),
                      "sessions survived the keeper: \(third.stdout)")
    }

    func testPlaybookRunsShareKeptSessionsAndTaskRunnersWithLaterRuns() throws {
        let lab = try Lab.shared(count: 3)
        let folder = try FleetBinary.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: folder)
            // The lab's hosts share this machine's disk.
            for host in lab.hosts() { try? FileManager.default.removeItem(atPath: "/tmp/kept-\(host.name)") }
        }
        try """
            - hosts: all
              tasks:
                - name: where
                  shell: echo $SSH_CONNECTION > /tmp/kept-$(hostname)
                - name: runner
                  shell: echo $PPID >> /tmp/kept-$(hostname)
            """.write(to: folder.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let hosts = Self.firstThree(lab)
        let run = ["run", "site.yml", "-i", lab.inventoryPath.path, "--limit", hosts, "--persist", "30"]
        let first = try FleetBinary.run(run, environment: environment, directory: folder)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let afterFirst = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", hosts, "--", "cat /tmp/kept-$(hostname)"])
        let second = try FleetBinary.run(run, environment: environment, directory: folder)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let afterSecond = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", hosts, "--", "cat /tmp/kept-$(hostname)"])
        // Same TCP connection, and the same task runner (the shell that runs the tasks).
        XCTAssertEqual(afterSecond.stdout, afterFirst.stdout, "the second run did not reuse the first one's sessions and runners")
        XCTAssertEqual(FleetBinary.sshConnections(afterSecond.stdout).count, 3, afterSecond.stdout)
        XCTAssertTrue(try keeperStatus().hosts.allSatisfy(\.runner))

        // An ad-hoc command borrows the same session (on a channel of its own).
        let exec = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", hosts, "--persist", "30", "--",
                                        "echo $SSH_CONNECTION"], environment: environment)
        XCTAssertEqual(FleetBinary.sshConnections(exec.stdout), FleetBinary.sshConnections(afterSecond.stdout))
    }

    /// A session is lent to one run at a time: two runs at once on the same hosts get a session
    /// each, and both are kept.
    func testTwoRunsAtOnceBorrowSessionsOfTheirOwn() throws {
        let lab = try Lab.shared(count: 3)
        let exec = ["exec", "-i", lab.inventoryPath.path, "--no-group", Self.firstThree(lab), "--persist", "30", "--",
                    "sleep 1; echo $SSH_CONNECTION"]
        _ = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "30", "--", "true"],
                                environment: environment)
        let outputs = Outputs()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) { [environment] in
                outputs.append(try? FleetBinary.run(exec, environment: environment))
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        let results = outputs.all.compactMap { $0 }
        XCTAssertEqual(results.count, 2)
        XCTAssertTrue(results.allSatisfy { $0.status == 0 }, results.map(\.stderr).joined())
        let first = FleetBinary.sshConnections(results[0].stdout), second = FleetBinary.sshConnections(results[1].stdout)
        XCTAssertEqual(first.count, 3, results[0].stdout)
        XCTAssertEqual(second.count, 3, results[1].stdout)
        XCTAssertTrue(first.isDisjoint(with: second), "two runs shared a session: \(first) \(second)")
        let status = try keeperStatus()
        XCTAssertEqual(status.hosts.count, 6, "\(status.hosts)")
        XCTAssertTrue(status.hosts.allSatisfy { !$0.lent })
    }

    private final class Outputs: @unchecked Sendable {
        private let lock = NSLock()
        private var outputs: [FleetBinary.Output?] = []
        func append(_ output: FleetBinary.Output?) { lock.withLock { outputs.append(output) } }
        var all: [FleetBinary.Output?] { lock.withLock { outputs } }
    }

    func testTheKeeperLeavesWhenUnusedForItsPersistTime() throws {
        let lab = try Lab.shared(count: 1)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "1", "--", "true"],
                                         environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let pid = try keeperStatus().pid
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 10) { kill(pid, 0) != 0 }, "the keeper outlived --persist 1 by 10 s")
        XCTAssertFalse(FileManager.default.fileExists(atPath: keeperFolder.appendingPathComponent("keeper.sock").path))
        let log = try String(contentsOf: keeperFolder.appendingPathComponent("keeper.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("stopped after 1.0s unused"), log)
    }

    func testAKilledKeeperIsReplacedAndADeadSessionIsLoggedInAgain() throws {
        let lab = try Lab.shared(count: 3)
        let exec = ["exec", "-i", lab.inventoryPath.path, "--no-group", Self.firstThree(lab), "--persist", "30", "--", "echo $SSH_CONNECTION"]
        let first = try FleetBinary.run(exec, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let killed = try keeperStatus().pid
        kill(killed, SIGKILL)
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 5) { kill(killed, 0) != 0 })

        let second = try FleetBinary.run(exec, environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(FleetBinary.sshConnections(second.stdout).count, 3, second.stdout)
        XCTAssertNotEqual(try keeperStatus().pid, killed)

        // The session's sshd dies between runs (a host rebooted, say): the next run logs in again,
        // even when it borrows the session before the keeper has noticed (a race, so thrice).
        let master = try XCTUnwrap(lab.hosts().first).name
        var before = FleetBinary.sshConnections(second.stdout)
        for _ in 0..<3 {
            _ = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, master, "--persist", "30", "--", "kill $PPID"],
                                    environment: environment)
            let next = try FleetBinary.run(exec, environment: environment)
            XCTAssertEqual(next.status, 0, next.stdout + next.stderr)
            let after = FleetBinary.sshConnections(next.stdout)
            XCTAssertEqual(before.subtracting(after).count, 1, "only the master's session should be new: \(before) vs \(after)")
            before = after
        }
    }

    /// With neither `--persist` nor `FLEET_PERSIST`, a run keeps its sessions for 60 seconds,
    /// and the next run borrows them.
    func testRunsKeepTheirSessionsForAMinuteByDefault() throws {
        let lab = try Lab.shared(count: 3)
        let exec = ["exec", "-i", lab.inventoryPath.path, "--no-group", Self.firstThree(lab), "--", "echo $SSH_CONNECTION"]
        let first = try FleetBinary.run(exec, environment: environment)
        let second = try FleetBinary.run(exec, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(first.stderr.contains("fleet:"), "keeping sessions by default is silent: \(first.stderr)")
        XCTAssertEqual(FleetBinary.sshConnections(first.stdout).count, 3, first.stdout)
        XCTAssertEqual(FleetBinary.sshConnections(second.stdout), FleetBinary.sshConnections(first.stdout), "the second run logged in again")
        let status = try keeperStatus()
        XCTAssertEqual(status.persist, 60)
        XCTAssertEqual(status.hosts.count, 3)
    }

    /// `--persist 0` and `FLEET_PERSIST=0` keep nothing: no keeper starts, every run logs in.
    func testPersistZeroTurnsKeepingOff() throws {
        let lab = try Lab.shared(count: 3)
        let exec = ["exec", "-i", lab.inventoryPath.path, "--no-group", Self.firstThree(lab), "--", "echo $SSH_CONNECTION"]
        var off = environment
        off["FLEET_PERSIST"] = "0"
        let first = try FleetBinary.run(exec, environment: off)
        let second = try FleetBinary.run(Array(exec.prefix(5)) + ["--persist", "0"] + Array(exec.dropFirst(5)), environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(FleetBinary.sshConnections(first.stdout).count, 3, first.stdout)
        XCTAssertTrue(FleetBinary.sshConnections(first.stdout).isDisjoint(with: FleetBinary.sshConnections(second.stdout)),
                      "a run with --persist 0 borrowed a session: \(first.stdout) \(second.stdout)")
        let none = try FleetBinary.run(["keeper", "status"], environment: environment)
        XCTAssertTrue(none.stdout.hasPrefix("no keeper is running"), none.stdout)
    }

    func testARunHoldingAPasswordNeverHandsItToTheKeeper() throws {
        let lab = try Lab.shared(count: 1)
        var withSecret = environment
        withSecret["FLEET_BECOME_PASSWORD"] = "not-for-the-keeper"
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "30", "--", "true"],
                                         environment: withSecret)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("connections not kept: FLEET_BECOME_PASSWORD is set"), result.stderr)
        // Without --persist the run keeps nothing either, and says nothing: it did not ask.
        let quiet = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--", "true"],
                                        environment: withSecret)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("connections not kept"), quiet.stderr)
        XCTAssertTrue(try FleetBinary.noKeeperRuns(environment: environment))
    }

    func testAKeeperFolderOthersMayEnterIsRefusedAndTheRunStillWorks() throws {
        let lab = try Lab.shared(count: 1)
        chmod(keeperFolder.path, 0o777)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "30", "--", "echo ran"],
                                         environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("ran\n"), result.stdout)
        XCTAssertTrue(result.stderr.contains("connections not kept: \(keeperFolder.path) has mode 777: others may enter it"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keeperFolder.appendingPathComponent("keeper.sock").path))
    }

    func testAKeeperOfAnotherBuildIsReplaced() throws {
        let lab = try Lab.shared(count: 1)
        // A copy of the binary is another build as far as the keeper can tell (another file).
        let copy = keeperFolder.appendingPathComponent("fleet-other")
        try FileManager.default.copyItem(at: FleetBinary.url, to: copy)
        let older = Process()
        older.executableURL = copy
        older.arguments = ["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "30", "--", "true"]
        older.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        older.standardOutput = FileHandle.nullDevice
        older.standardError = FileHandle.nullDevice
        try older.run()
        older.waitUntilExit()
        XCTAssertEqual(older.terminationStatus, 0)
        let olderKeeper = try XCTUnwrap(Int32(String(contentsOf: keeperFolder.appendingPathComponent("keeper.log"), encoding: .utf8)
            .components(separatedBy: "pid ").dropFirst().first?.prefix { $0.isNumber } ?? ""))

        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, Self.firstThree(lab), "--persist", "30", "--", "echo ran"],
                                         environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("ran\n"), result.stdout)
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 5) { kill(olderKeeper, 0) != 0 }, "the other build's keeper still runs")
        XCTAssertNotEqual(try keeperStatus().pid, olderKeeper)
    }

    func testTheKeeperRunsInASessionOfItsOwnWithNoSignalBlocked() throws {
        let lab = try Lab.shared(count: 1)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", lab.hosts()[0].name, "--", "true"],
                                         environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let pid = try keeperStatus().pid
        // Ctrl-C in the terminal goes to the foreground process group of the terminal's session.
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
        XCTAssertEqual(fields[3], "\(pid)", "the keeper's session: \(stat)")
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        XCTAssertTrue(status.contains("SigBlk:\t0000000000000000"), status)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/0"), "/dev/null")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/2"),
                       keeperFolder.appendingPathComponent("keeper.log").path)
    }

    // MARK: Helpers

    private struct Status: Decodable {
        struct Entry: Decodable {
            var name: String
            var lent: Bool
            var runner: Bool
        }
        var pid: Int32
        var persist: Double
        var hosts: [Entry]
    }

    /// The lab may have more hosts (it is shared between tests): these tests use three.
    private static func firstThree(_ lab: Lab) -> String {
        lab.hosts().prefix(3).map(\.name).joined(separator: ":")
    }

    private func keeperStatus() throws -> Status {
        let result = try FleetBinary.run(["keeper", "status", "--json"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONDecoder().decode(Status.self, from: Data(result.stdout.utf8))
    }
}
