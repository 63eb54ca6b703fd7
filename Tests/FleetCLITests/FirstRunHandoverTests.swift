import FleetLab
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A first run (no keeper running) keeps its sessions by becoming their keeper: the process the
/// user started waits and exits with the run's code while its child runs and then stays in the
/// background. Real sshd hosts; each test has a keeper folder of its own.
final class FirstRunHandoverTests: XCTestCase {
    func testAFirstRunBecomesTheKeeperOfItsOwnSessionsAndTheNextRunBorrowsThem() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, folder in
            let hosts = lab.hosts().prefix(3).map(\.name).joined(separator: ":")
            let first = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, hosts, "--no-group", "--", "echo $SSH_CONNECTION"],
                                            environment: environment)
            XCTAssertEqual(first.status, 0, first.stderr)
            let log = try Self.keeperLog(folder)
            XCTAssertTrue(log.contains("by its run, with 3 session(s)"), "the keeper did not come from the run: \(log)")

            let status = try keeperStatus(environment)
            XCTAssertEqual(status.hosts.count, 3)
            XCTAssertTrue(status.hosts.allSatisfy { !$0.lent }, "\(status.hosts)")
            // It shows as a keeper, not as the run it was (whose command line named the command).
            let commandLine = try String(contentsOfFile: "/proc/\(status.pid)/cmdline", encoding: .utf8)
            XCTAssertTrue(commandLine.contains("keeper\0serve"), commandLine)
            XCTAssertFalse(commandLine.contains("SSH_CONNECTION"), commandLine)

            // The same TCP connections (client port and all) answer the next run: no new login.
            let second = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, hosts, "--no-group", "--", "echo $SSH_CONNECTION"],
                                             environment: environment)
            XCTAssertEqual(second.status, 0, second.stderr)
            XCTAssertEqual(FleetBinary.sshConnections(second.stdout), FleetBinary.sshConnections(first.stdout))
            XCTAssertEqual(FleetBinary.sshConnections(first.stdout).count, 3, first.stdout)
            XCTAssertEqual(try keeperStatus(environment).pid, status.pid)
        }
    }

    func testThePlaybookRunsTaskRunnersStayWithItsSessions() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, folder in
            let playbook = folder.appendingPathComponent("play.yml")
            try """
            - hosts: all
              tasks:
                - shell: echo one
                - shell: echo two
            """.write(to: playbook, atomically: true, encoding: .utf8)
            let result = try FleetBinary.run(["run", playbook.path, "-i", lab.inventoryPath.path], environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(try Self.keeperLog(folder).contains("by its run"), "not kept by the run itself")
            let status = try keeperStatus(environment)
            XCTAssertEqual(status.hosts.count, lab.hosts().count)
            XCTAssertTrue(status.hosts.allSatisfy(\.runner), "\(status.hosts)")
        }
    }

    /// The waiting parent exits with the run's code: a failed host is 2 (and the sessions are kept).
    func testTheCallerGetsTheRunsExitCode() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, folder in
            let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, lab.hosts()[0].name, "--", "exit 3"],
                                             environment: environment)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(try Self.keeperLog(folder).contains("by its run"), "not kept by the run itself")
            XCTAssertTrue(result.stdout.contains("rc=3"), result.stdout)
            XCTAssertEqual(try keeperStatus(environment).hosts.count, 1)
        }
    }

    /// A run that ends before it connects (here a broken inventory) exits with its own code
    /// and message through the waiting parent, and leaves no keeper.
    func testARunThatFailsBeforeConnectingExitsWithItsCodeAndLeavesNoKeeper() throws {
        try FleetBinary.withOwnKeeper { environment, folder in
            let inventory = folder.appendingPathComponent("broken.yml")
            try "groups: [".write(to: inventory, atomically: true, encoding: .utf8)
            let result = try FleetBinary.run(["exec", "-i", inventory.path, "all", "--", "true"], environment: environment)
            XCTAssertEqual(result.status, 65, result.stderr)
            XCTAssertTrue(result.stderr.contains("broken.yml"), result.stderr)
            XCTAssertTrue(try FleetBinary.noKeeperRuns(environment: environment))

            // A playbook refused once the run has started (its transport made, nothing opened).
            let lab = try Lab.shared(count: 3)
            let playbook = folder.appendingPathComponent("undefined.yml")
            try "- hosts: all\n  tasks:\n    - shell: echo {{ not_defined_anywhere }}\n".write(to: playbook, atomically: true, encoding: .utf8)
            let refused = try FleetBinary.run(["run", playbook.path, "-i", lab.inventoryPath.path], environment: environment)
            XCTAssertEqual(refused.status, 65, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("not_defined_anywhere"), refused.stderr)
            XCTAssertTrue(try FleetBinary.noKeeperRuns(environment: environment), "a keeper with nothing to keep was left")
        }
    }

    /// A descriptor the caller passed in (here a pipe on fd 3, as `3>&1` makes) is let go when
    /// the run ends: a reader of that pipe sees its end then, not when the keeper leaves.
    func testTheKeeperLetsGoOfEveryDescriptorTheCallerPassedIn() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, folder in
            let script = "exec \"$FLEET\" exec --persist 30 -i \"$INVENTORY\" \(lab.hosts()[0].name) -- true 3>&1 >/dev/null 2>&1"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.environment = FleetBinary.environment(environment.merging(
                ["FLEET": FleetBinary.url.path, "INVENTORY": lab.inventoryPath.path]) { $1 })
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let ended = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                _ = pipe.fileHandleForReading.readDataToEndOfFile()
                ended.signal()
            }
            XCTAssertEqual(ended.wait(timeout: .now() + 10), .success, "the pipe on fd 3 stayed open after the run")
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            XCTAssertEqual(try keeperStatus(environment).hosts.count, 1, "no keeper was left")
            XCTAssertTrue(try Self.keeperLog(folder).contains("by its run"), "not kept by the run itself")
        }
    }

    /// SIGTERM to the process the user started reaches the run; SIGKILL, which cannot be passed
    /// on, still stops the run's commands: the child notices the parent is gone.
    func testSignalsToTheWaitingProcessStopTheRun() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, _ in
            for signal in [SIGTERM, SIGKILL] {
                _ = try FleetBinary.run(["keeper", "stop"], environment: environment)
                let marker = "sleep 48.\(Int.random(in: 100_000...999_999))"
                let process = try FleetBinary.start(["exec", "-i", lab.inventoryPath.path, lab.hosts()[0].name, "--", marker],
                                                    environment: environment)
                defer { if process.isRunning { process.terminate() } }
                let running = FleetBinary.waitUntil(seconds: 15) {
                    FleetBinary.processes(containing: marker).contains { $0.hasSuffix(": \(marker)") }
                }
                XCTAssertTrue(running, "the command did not start (signal \(signal))")
                kill(process.processIdentifier, signal)
                // Checked before waiting for the process: Foundation sees it end only once the
                // run (which holds a descriptor of Foundation's) has ended too.
                let gone = FleetBinary.waitUntil(seconds: 5) { FleetBinary.processes(containing: marker).isEmpty }
                XCTAssertTrue(gone, "left running after signal \(signal): \(FleetBinary.processes(containing: marker))")
                process.waitUntilExit()
                if signal == SIGTERM {
                    XCTAssertEqual(process.terminationReason, .exit)
                    XCTAssertEqual(process.terminationStatus, 130)
                } else {
                    XCTAssertEqual(process.terminationReason, .uncaughtSignal)
                }
                for line in FleetBinary.processes(containing: marker) { kill(Int32(line.prefix { $0 != ":" })!, SIGKILL) }
            }
        }
    }

    /// Two first runs at once: both succeed, one of them becomes the keeper, the other closes its sessions.
    func testTwoFirstRunsAtOnceLeaveOneKeeper() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { environment, folder in
            let results = try [0, 1].map { _ in
                try FleetBinary.start(["exec", "-i", lab.inventoryPath.path, "all", "--", "sleep 0.5"], environment: environment)
            }
            for process in results {
                process.waitUntilExit()
                XCTAssertEqual(process.terminationStatus, 0)
            }
            let log = try Self.keeperLog(folder)
            XCTAssertEqual(log.components(separatedBy: "started (pid").count - 1, 1, log)
            XCTAssertTrue(log.contains("by its run"), log)
            XCTAssertEqual(try keeperStatus(environment).hosts.count, lab.hosts().count)
        }
    }

    private struct Status: Decodable {
        struct Entry: Decodable {
            var lent: Bool
            var runner: Bool
        }
        var pid: Int32
        var hosts: [Entry]
    }

    private func keeperStatus(_ environment: [String: String]) throws -> Status {
        let result = try FleetBinary.run(["keeper", "status", "--json"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONDecoder().decode(Status.self, from: Data(result.stdout.utf8))
    }

    private static func keeperLog(_ folder: URL) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("keeper.log"), encoding: .utf8)
    }
}
