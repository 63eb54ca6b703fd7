import FleetLab
import Foundation
import XCTest

/// A timed-out command is stopped on its host, not only abandoned by fleet: nothing of it is
/// left running a few seconds later, on a channel of its own (`fleet exec`) or through the
/// task runner (a playbook task), with and without `become` (where `timeout` must run inside
/// sudo to reach the root processes). The lab hosts share this machine's process table, so a
/// `sleep` of a unique length finds what was left.
final class TimeoutStopsTests: XCTestCase {
    func testATimedOutExecIsStoppedOnItsHost() throws {
        let lab = try Lab.shared(count: 3)
        for become in [false, true] {
            let marker = Self.uniqueSleep()
            let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "lab-master", "--timeout", "1"]
                                             + (become ? ["--become"] : []) + ["--", "\(marker); echo late"])
            XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.hasSuffix("lab-master (1) FAILED: command timed out after 1s\n"), result.stdout)
            assertNothingLeft(of: marker, become: become)
        }
    }

    func testATimedOutPlaybookTaskIsStoppedOnItsHost() throws {
        let lab = try Lab.shared(count: 3)
        let folder = try FleetBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for become in [false, true] {
            let marker = Self.uniqueSleep()
            let playbook = folder.appendingPathComponent("timeout.yml")
            try """
                - hosts: lab-master
                  become: \(become)
                  tasks:
                    - name: too slow
                      shell: \(marker); echo late
                      timeout: 1s
                """.write(to: playbook, atomically: true, encoding: .utf8)
            let result = try FleetBinary.run(["run", playbook.path, "-i", lab.inventoryPath.path], directory: folder)
            XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
            XCTAssertTrue((result.stdout + result.stderr).contains("timed out after 1s"), result.stdout + result.stderr)
            assertNothingLeft(of: marker, become: become)
        }
    }

    private static func uniqueSleep() -> String {
        "sleep 47.\(Int.random(in: 100_000...999_999))"
    }

    /// TERM at the deadline, KILL 3 s later: 6 s is enough for either.
    private func assertNothingLeft(of marker: String, become: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let gone = FleetBinary.waitUntil(seconds: 6) { FleetBinary.processes(containing: marker).isEmpty }
        XCTAssertTrue(gone, "still running on the host (become: \(become)): \(FleetBinary.processes(containing: marker))",
                      file: file, line: line)
    }
}
