import FleetLab
import Foundation
import XCTest

/// `fleet exec` and `fleet ping` as a user runs them, against real lab hosts.
final class ExecCommandTests: XCTestCase {
    func testIdenticalOutputFromFiftyHostsIsShownOnce() throws {
        let lab = try Lab.shared(count: 50)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "all", "--", "echo same; echo err >&2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let names = lab.hosts().map(\.name)
        XCTAssertEqual(names.count, 50)
        // Every host of the lab answered, folded into one block.
        XCTAssertEqual(result.stdout, "lab-master, lab-node[1-\(names.count - 1)] (\(names.count)) rc=0:\nsame\n[stderr]\nerr\n")
        XCTAssertTrue(result.stderr.contains("\(names.count) hosts: \(names.count) ok, 0 failed, 0 unreachable"), result.stderr)
    }

    func testDistinctResultsEachOnceFailuresLastAndExitCode2() throws {
        let lab = try Lab.shared(count: 3)
        let command = "if [ $(hostname) = lab-node1 ]; then echo broken >&2; exit 3; fi; echo fine"
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "lab-master:lab-node1:lab-node2", "--", command])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "lab-master, lab-node2 (2) rc=0:\nfine\nlab-node1 (1) rc=3:\n[stderr]\nbroken\n")

        let perHost = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", "lab-node1:lab-node2", "--", "hostname"])
        XCTAssertEqual(perHost.status, 0, perHost.stderr)
        XCTAssertEqual(perHost.stdout, "lab-node1 rc=0:\nlab-node1\nlab-node2 rc=0:\nlab-node2\n")
    }

    func testUnreachableHostsAreReportedLastWithExitCodes4And6() throws {
        let lab = try Lab.shared(count: 3)
        let folder = try FleetBinary.temporaryDirectory()
        let closed = try lab.closedPort()
        let blackHole = try lab.unreachableAddress()
        let master = lab.hosts()[0]
        let inventory = folder.appendingPathComponent("hosts.yml")
        try """
            defaults: { user: \(lab.user), key: \(lab.keyPath.path), known_hosts: \(lab.knownHostsPath.path), connect_timeout: 2 }
            groups:
              good:
                hosts:
                  lab-master: { address: \(master.address), port: \(master.port) }
              bad:
                hosts:
                  closed: { address: \(closed.address), port: \(closed.port) }
                  hole: { address: \(blackHole) }
            """.write(to: inventory, atomically: true, encoding: .utf8)
        let start = Date()
        let result = try FleetBinary.run(["exec", "-i", inventory.path, "all", "--", "true"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 8)
        XCTAssertEqual(result.status, 4, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "lab-master (1) rc=0:")
        XCTAssertTrue(lines.contains { $0.hasPrefix("closed (1) UNREACHABLE: connect to \(closed.address) port \(closed.port) failed") }, result.stdout)
        XCTAssertTrue(lines.contains("hole (1) UNREACHABLE: connect to \(blackHole) port 22 timed out after 2s"), result.stdout)

        let both = try FleetBinary.run(["exec", "-i", inventory.path, "all:!hole", "--", "false"])
        XCTAssertEqual(both.status, 6)
    }

    /// The journey from the README: an Ansible INI inventory, the user's own key and
    /// known_hosts in ~/.ssh, and nothing else configured.
    func testAnsibleINIInventoryWithDefaultKeyAndKnownHosts() throws {
        let lab = try Lab.shared(count: 3)
        let home = try FleetBinary.temporaryDirectory()
        let ssh = home.appendingPathComponent(".ssh")
        try FileManager.default.createDirectory(at: ssh, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: lab.keyPath, to: ssh.appendingPathComponent("id_ed25519"))
        try FileManager.default.copyItem(at: lab.knownHostsPath, to: ssh.appendingPathComponent("known_hosts"))
        let hosts = lab.hosts().prefix(3)
        var ini = "[masters]\n\(hosts.first!.name) ansible_host=\(hosts.first!.address)\n\n[workers]\n"
        for host in hosts.dropFirst() { ini += "\(host.name) ansible_host=\(host.address)\n" }
        ini += "\n[all:vars]\nansible_user=\(lab.user)\n"
        let inventory = home.appendingPathComponent("hosts.ini")
        try ini.write(to: inventory, atomically: true, encoding: .utf8)
        let result = try FleetBinary.run(["exec", "-i", inventory.path, "all", "--no-group", "--", "uptime"],
                                         environment: ["HOME": home.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        for host in hosts {
            XCTAssertTrue(result.stdout.contains("\(host.name) rc=0:\n"), result.stdout)
        }
        XCTAssertEqual(result.stdout.components(separatedBy: " load average: ").count, 4, result.stdout)
    }

    func testJSONLinesOnePerHost() throws {
        let lab = try Lab.shared(count: 3)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "workers", "--json", "--", "hostname; exit 1"])
        XCTAssertEqual(result.status, 2)
        let objects = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.map { $0["host"] as? String }, lab.hosts().dropFirst().map(\.name))
        for object in objects {
            XCTAssertEqual(object["status"] as? String, "failed")
            XCTAssertEqual(object["rc"] as? Int, 1)
            XCTAssertEqual(object["stdout"] as? String, (object["host"] as? String ?? "") + "\n")
        }
    }

    func testBecomeRunsAsRoot() throws {
        let lab = try Lab.shared(count: 3)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "masters", "--become", "--", "id -u"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "lab-master (1) rc=0:\n0\n")
    }

    /// Ctrl-C during `fleet exec`, with and without kept sessions: exit 130 at once, and the
    /// commands on the hosts get a hangup (the lab hosts share this process table).
    func testInterruptStopsTheCommandsOnTheirHostsAndExits130() throws {
        let lab = try Lab.shared(count: 3)
        try FleetBinary.withOwnKeeper { keeper, _ in
            for (arguments, environment) in [(["--persist", "0"], [String: String]()), (["--persist", "30"], keeper)] {
                try interruptAnExec(on: lab, arguments: arguments, environment: environment)
            }
        }
    }

    private func interruptAnExec(on lab: Lab, arguments: [String], environment: [String: String]) throws {
        let marker = "sleep 47.\(Int.random(in: 100_000...999_999))"
        let process = try FleetBinary.start(["exec", "-i", lab.inventoryPath.path, "all"] + arguments + ["--", marker],
                                            environment: environment)
        defer { if process.isRunning { process.terminate() } }
        let running = FleetBinary.waitUntil(seconds: 15) {
            FleetBinary.processes(containing: marker).filter { $0.hasSuffix(": \(marker)") }.count == lab.hosts().count
        }
        XCTAssertTrue(running, "the command did not start on every host (\(arguments)): \(FleetBinary.processes(containing: marker))")
        kill(process.processIdentifier, SIGINT)
        XCTAssertTrue(FleetBinary.waitUntil(seconds: 5) { !process.isRunning }, "fleet exec still runs 5 s after Ctrl-C")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "killed by the signal rather than handling it (\(arguments))")
        XCTAssertEqual(process.terminationStatus, 130)
        let gone = FleetBinary.waitUntil(seconds: 3) { FleetBinary.processes(containing: marker).isEmpty }
        XCTAssertTrue(gone, "left on the hosts (\(arguments)): \(FleetBinary.processes(containing: marker))")
        for line in FleetBinary.processes(containing: marker) { kill(Int32(line.prefix { $0 != ":" })!, SIGKILL) }
    }

    func testTimeoutFailsTheHostNotTheRun() throws {
        let lab = try Lab.shared(count: 3)
        let start = Date()
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "all", "--timeout", "1", "--",
                                          "if [ $(hostname) = lab-master ]; then sleep 20; fi; echo done"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 6)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stdout.hasSuffix("lab-master (1) FAILED: command timed out after 1s\n"), result.stdout)
    }

    func testInvalidInventoryOrPatternExits65AndConnectsNowhere() throws {
        let folder = try FleetBinary.temporaryDirectory()
        let inventory = folder.appendingPathComponent("bad.yml")
        try "groups:\n  web:\n    hostz:\n      a: {}\n".write(to: inventory, atomically: true, encoding: .utf8)
        let bad = try FleetBinary.run(["exec", "-i", inventory.path, "all", "--", "true"])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.hasPrefix("\(inventory.path):3:5: error: unknown key 'hostz'"), bad.stderr)
        XCTAssertEqual(bad.stdout, "")

        let lab = try Lab.shared(count: 3)
        let nomatch = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "databases", "--", "true"])
        XCTAssertEqual(nomatch.status, 65)
        XCTAssertTrue(nomatch.stderr.contains("known groups: all, masters, workers"), nomatch.stderr)

        let usage = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "all"])
        XCTAssertEqual(usage.status, 64)
        XCTAssertTrue(usage.stderr.contains("give the command after --"), usage.stderr)
    }

    func testPingShowsEachHostWithTimings() throws {
        let lab = try Lab.shared(count: 3)
        let result = try FleetBinary.run(["ping", "-i", lab.inventoryPath.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, lab.hosts().count)
        XCTAssertTrue(lines[0].hasPrefix("lab-master"))
        XCTAssertTrue(lines.allSatisfy { $0.contains("  ok  ") && $0.hasSuffix(" ms") }, result.stdout)
    }
}

extension ExecCommandTests {
    /// A host printing far more than fleet keeps: the run succeeds, memory stays bounded,
    /// and the output says how much was cut.
    func testHugeOutputIsCutWithANoteAndBoundedMemory() throws {
        let lab = try Lab.shared(count: 3)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "lab-master", "--",
                                          "head -c 200000000 /dev/zero | tr '\\0' x"], measureMemory: true)
        XCTAssertEqual(result.status, 0, result.stderr)
        let kept = 4 << 20
        XCTAssertTrue(result.stdout.hasSuffix("[… \(200_000_000 - kept) more bytes not shown: only the first \(kept) are kept per host]\n"),
                      String(result.stdout.suffix(200)))
        XCTAssertEqual(result.stdout.filter { $0 == "x" }.count, kept)
        let peak = try XCTUnwrap(result.peakMemoryKB)
        print("peak RSS of fleet exec with 200 MB of output: \(peak / 1024) MB")
        XCTAssertLessThan(peak, 200 * 1024, "fleet held the whole output in memory")
    }
}
