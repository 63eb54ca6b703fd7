@testable import FleetCore
import XCTest

/// Plain progress as pipes and CI get it: exact text for each verbosity.
final class OutputPlainTests: XCTestCase {
    func testNormalRunShowsAlignedLinesFailuresWhereTheyHappenAndOneLinePerDistinctError() {
        let text = OutputScript.plainText(PlainProgress(folder: "/work"))
        XCTAssertEqual(text, """
            run 20261122-013502-ab12: 3 hosts
            PLAY prepare: k8s-master, k8s-node[1-2]
            k8s-master  changed        1.50s  update caches
            k8s-node1   ok            12.25s  update caches
            k8s-node2   skipped        0.00s  update caches (creates: /var/lib/apt/fresh exists)
            k8s-master  changed        3.00s  install kubeadm
            k8s-node1   FAILED         0.25s  install kubeadm
                rc=100: E: Unable to locate package kubeadm
                | Building dependency tree...
                | Reading state information...
                | Some packages could not be installed.
                | Hint: check the repository.
                | E: Unable to locate package kubeadm
                full log: .fleet/logs/20261122-013502-ab12/k8s-node1/02-install-kubeadm.err
            k8s-node2   FAILED         0.25s  install kubeadm
                rc=100: E: Unable to locate package kubeadm
                | Building dependency tree...
                | Reading state information...
                | Some packages could not be installed.
                | Hint: check the repository.
                | E: Unable to locate package kubeadm
                full log: .fleet/logs/20261122-013502-ab12/k8s-node2/02-install-kubeadm.err
            failed on 2 hosts: k8s-node[1-2]: rc=100: E: Unable to locate package kubeadm (task 'install kubeadm')

            """)
    }

    func testQuietShowsOnlyFailuresAndTheDigest() {
        let text = OutputScript.plainText(PlainProgress(verbosity: .quiet, folder: "/work"))
        XCTAssertFalse(text.contains("PLAY"), text)
        XCTAssertFalse(text.contains("changed"), text)
        XCTAssertFalse(text.contains("update caches"), text)
        XCTAssertEqual(text.components(separatedBy: "FAILED").count - 1, 2, text)
        XCTAssertTrue(text.hasSuffix("failed on 2 hosts: k8s-node[1-2]: rc=100: E: Unable to locate package kubeadm (task 'install kubeadm')\n"), text)
    }

    func testVerboseAddsOutputAndDebugAddsWhatRan() {
        let verbose = OutputScript.plainText(PlainProgress(verbosity: .verbose, folder: "/work"))
        XCTAssertTrue(verbose.contains("""
            k8s-master  changed        1.50s  update caches
                out| Hit:1 http://deb
                out| Done
            k8s-node1   ok
            """), verbose)
        XCTAssertFalse(verbose.contains("ran: apt-get update"), verbose)
        let debug = OutputScript.plainText(PlainProgress(verbosity: .debug, folder: "/work"))
        XCTAssertTrue(debug.contains("update caches\n    ran: apt-get update\n    out| Hit:1 http://deb\n"), debug)
    }

    func testStdoutIsShownWhenAFailureWroteNothingOnStderr() {
        var progress = PlainProgress(folder: "/work")
        _ = progress.text(for: OutputScript.start)
        let text = progress.text(for: OutputScript.result("k8s-node1", "check", .failed, rc: 1, stdout: "not ready",
                                                          message: "rc=1", log: "04-check"))
        XCTAssertEqual(text, """
            k8s-node1   FAILED         0.25s  check
                rc=1
                | not ready
                full log: .fleet/logs/20261122-013502-ab12/k8s-node1/04-check.out

            """)
    }

    func testUnreachableAndIgnoredFailuresAndBatches() {
        var progress = PlainProgress()
        _ = progress.text(for: OutputScript.start)
        XCTAssertEqual(progress.text(for: .playStart(.init(name: "roll", hosts: ["k8s-node2"], batch: 2, batches: 3))),
                       "PLAY roll [batch 2/3]: k8s-node2\n")
        XCTAssertEqual(progress.text(for: OutputScript.result("k8s-node2", "probe", .failed, rc: 3, message: "rc=3: no", ignored: true)),
                       "k8s-node2   failed         0.25s  probe (ignored: rc=3: no)\n")
        XCTAssertEqual(progress.text(for: OutputScript.result("k8s-node1", "probe", .unreachable, message: "connect to 10.0.0.2 port 22 timed out")),
                       "k8s-node1   UNREACHABLE    0.25s  probe (connect to 10.0.0.2 port 22 timed out)\n")
        let recap = RunRecap(runID: "r", hosts: [], logDirectory: "/l", duration: 1)
        XCTAssertEqual(progress.text(for: .recap(recap)),
                       "unreachable on 1 host: k8s-node1: connect to 10.0.0.2 port 22 timed out (task 'probe')\n")
    }

    func testRecapTableHasTotalsRunIDLogsAndReport() {
        let recap = RunRecap(runID: "20261122-013502-ab12", hosts: OutputScript.recapLines, logDirectory: OutputScript.logs, duration: 15.5)
        XCTAssertEqual(RecapText.text(recap, folder: "/work", reportPath: "/work/run.html"), """
            HOST        OK  CHANGED  SKIPPED  FAILED  UNREACHABLE  TIME
            k8s-master  0   2        0        0       0            4.50s
            k8s-node1   1   0        0        1       0            12.50s
            k8s-node2   0   0        1        1       0            0.25s
            total       1   2        1        2       0            15.50s
            run 20261122-013502-ab12, logs: .fleet/logs/20261122-013502-ab12
            report: run.html

            """)
    }
}
