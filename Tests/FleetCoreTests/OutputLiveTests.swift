@testable import FleetCore
import XCTest

/// The terminal's live view, frame by frame, from scripted events and instants.
final class OutputLiveTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    private let hosts = (1...300).map { String(format: "node%03d", $0) }

    private func result(_ host: String, _ task: String, _ status: HostStatus, duration: Double = 1) -> RunEvent {
        OutputScript.result(host, task, status, rc: status == .failed ? 1 : 0, duration: duration,
                            message: status == .failed ? "rc=1: disk full" : nil, log: "01-x", play: "site")
    }

    /// 300 hosts part way through two tasks (free strategy: fast hosts are already on the second).
    private func threeHundredHostsMidway() -> (LiveProgress, [String]) {
        var live = LiveProgress(folder: "/work")
        var above: [String] = []
        func feed(_ event: RunEvent, _ seconds: Double) { above.append(live.apply(event, at: t0.addingTimeInterval(seconds))) }
        feed(.runStart(.init(runID: "r1", playbook: "/work/site.yml", hosts: hosts, checkMode: false, logDirectory: "/work/.fleet/logs/r1")), 0)
        feed(.playStart(.init(name: "site", hosts: hosts, batch: 1, batches: 1)), 0)
        feed(.taskStart(.init(play: "site", task: "install", hosts: hosts)), 0)
        // 250 finish install (two of them fail), 100 of those also start and 40 finish configure.
        for (index, host) in hosts.prefix(250).enumerated() {
            feed(result(host, "install", index < 2 ? .failed : .changed), 1 + Double(index) / 100)
        }
        feed(.taskStart(.init(play: "site", task: "configure", hosts: hosts)), 3.6)
        for host in hosts[2..<42] { feed(result(host, "configure", .ok), 4) }
        return (live, above)
    }

    func testFrameCountsHostsPerTaskInsteadOfListingThem() {
        let (live, above) = threeHundredHostsMidway()
        let frame = live.frame(at: t0.addingTimeInterval(10), width: 120)
        XCTAssertEqual(frame, [
            "PLAY site  300 hosts, 2 failed, 10.0s",
            "  install    done 250/300  running 50  failed 2",
            "  configure  done 40/298  running 208",
            "  slowest: node251 10.0s, node252 10.0s, node253 10.0s",
        ])
        XCTAssertLessThanOrEqual(frame.count, 10)
        // Failures were printed above the live area as they came; successes were not.
        let printed = above.joined()
        XCTAssertEqual(printed.components(separatedBy: "FAILED").count - 1, 2, printed)
        XCTAssertTrue(printed.contains("full log: .fleet/logs/20261122-013502-ab12/node001/01-x.err"), printed)
        XCTAssertFalse(printed.contains("changed"), printed)
        XCTAssertFalse(printed.contains("node100"), printed)
    }

    func testSlowestHostsAreTheLongestBusyOnTheirCurrentTask() {
        let (live, _) = threeHundredHostsMidway()
        // node003..node042 finished configure at 4s; node043.. finished install at ~1.4s and
        // started configure when it was first started (3.6s); hosts 251-300 are still on install since 0.
        let slowest = live.frame(at: t0.addingTimeInterval(5), width: 200).last!
        XCTAssertEqual(slowest, "  slowest: node251 5.0s, node252 5.0s, node253 5.0s")
    }

    func testLinesAreCutToTheTerminalWidth() {
        let (live, _) = threeHundredHostsMidway()
        for line in live.frame(at: t0.addingTimeInterval(10), width: 30) {
            XCTAssertLessThanOrEqual(line.withoutANSI.count, 30, line)
        }
    }

    func testColouredFrameAndFinalLinesReplaceTheLiveArea() {
        var live = LiveProgress(palette: Palette(colored: true))
        var printed = ""
        let names = ["a1", "a2", "a3"]
        printed += live.apply(.runStart(.init(runID: "r2", playbook: "p", hosts: names, checkMode: false, logDirectory: "/l")), at: t0)
        printed += live.apply(.playStart(.init(name: "web", hosts: names, batch: 1, batches: 1)), at: t0)
        printed += live.apply(.taskStart(.init(play: "web", task: "deploy", hosts: names)), at: t0)
        printed += live.apply(result("a1", "deploy", .changed, duration: 2), at: t0.addingTimeInterval(2))
        printed += live.apply(result("a2", "deploy", .failed, duration: 3), at: t0.addingTimeInterval(3))
        let frame = live.frame(at: t0.addingTimeInterval(4), width: 80)
        XCTAssertEqual(frame.first, "\u{1B}[1mPLAY web\u{1B}[0m  3 hosts, \u{1B}[31m1 failed\u{1B}[0m, 4.0s")
        XCTAssertTrue(frame.contains("  deploy  done 2/3  running 1  \u{1B}[31mfailed 1\u{1B}[0m"), "\(frame)")
        printed += live.apply(result("a3", "deploy", .ok, duration: 5), at: t0.addingTimeInterval(5))
        let recap = RunRecap(runID: "r2", hosts: [], logDirectory: "/l", duration: 5)
        printed += live.apply(.recap(recap), at: t0.addingTimeInterval(5))
        printed += live.apply(.runEnd(.init(runID: "r2", exitCode: 2, interrupted: false)), at: t0.addingTimeInterval(5))
        XCTAssertTrue(live.frame(at: t0.addingTimeInterval(6), width: 80).isEmpty)
        XCTAssertTrue(printed.withoutANSI.hasSuffix("""
              deploy  3 hosts: 1 ok, 1 changed, 1 failed; slowest a3 5.00s
            failed on 1 host: a2: rc=1: disk full (task 'deploy')

            """), printed.withoutANSI)
        XCTAssertTrue(printed.contains("\u{1B}[32m1 ok\u{1B}[0m, \u{1B}[33m1 changed\u{1B}[0m, \u{1B}[31m1 failed\u{1B}[0m"), printed)
    }
}
