@testable import FleetCore
import XCTest

/// When colour is on, and that the renderers paint only then.
final class OutputColorTests: XCTestCase {
    func testAutoNeedsATerminalThatIsNotDumbAndNoNO_COLOR() {
        let terminal = ["TERM": "xterm-256color"]
        XCTAssertTrue(ColorMode.auto.enabled(isTTY: true, environment: terminal))
        XCTAssertFalse(ColorMode.auto.enabled(isTTY: false, environment: terminal))
        XCTAssertFalse(ColorMode.auto.enabled(isTTY: true, environment: ["TERM": "dumb"]))
        XCTAssertFalse(ColorMode.auto.enabled(isTTY: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        // An empty NO_COLOR counts as unset.
        XCTAssertTrue(ColorMode.auto.enabled(isTTY: true, environment: ["TERM": "xterm", "NO_COLOR": ""]))
        XCTAssertTrue(ColorMode.always.enabled(isTTY: false, environment: ["TERM": "dumb", "NO_COLOR": "1"]))
        XCTAssertFalse(ColorMode.never.enabled(isTTY: true, environment: terminal))
    }

    func testColouredProgressPaintsStatusesAndHeadersAndReadsTheSameWithoutCodes() {
        let colored = OutputScript.plainText(PlainProgress(palette: Palette(colored: true), folder: "/work"))
        let plain = OutputScript.plainText(PlainProgress(palette: .plain, folder: "/work"))
        XCTAssertFalse(plain.contains("\u{1B}["), plain)
        XCTAssertTrue(colored.contains("\u{1B}[1mPLAY prepare\u{1B}[0m"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[33mchanged    \u{1B}[0m"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[32mok         \u{1B}[0m"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[36mskipped    \u{1B}[0m"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[31mFAILED     \u{1B}[0m"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[31mfailed on 2 hosts\u{1B}[0m: k8s-node[1-2]"), colored)
        XCTAssertEqual(colored.withoutANSI, plain)
    }

    func testColouredRecapKeepsColumnsAligned() {
        let recap = RunRecap(runID: "r1", hosts: OutputScript.recapLines, logDirectory: "/l", duration: 15.5)
        let colored = RecapText.text(recap, palette: Palette(colored: true))
        XCTAssertTrue(colored.contains("\u{1B}[31mk8s-node1\u{1B}[0m   "), colored)
        XCTAssertTrue(colored.contains("\u{1B}[32mk8s-master\u{1B}[0m  "), colored)
        XCTAssertEqual(colored.withoutANSI, RecapText.text(recap))
    }

    func testExecHeadersTakeTheirStatusColour() {
        let ok = HostRun(host: "n1", outcome: .completed(RemoteResult(exitCode: 0, stdout: Array("up\n".utf8))), duration: 0.1)
        let bad = HostRun(host: "n2", outcome: .completed(RemoteResult(exitCode: 3)), duration: 0.1)
        let gone = HostRun(host: "n3", outcome: .unreachable("connection refused"), duration: 0.1)
        let colored = ExecReport.grouped([ok, bad, gone], palette: Palette(colored: true))
        XCTAssertEqual(colored, "\u{1B}[32mn1 (1) rc=0:\u{1B}[0m\nup\n\u{1B}[31mn2 (1) rc=3:\u{1B}[0m\n"
                       + "\u{1B}[31mn3 (1) UNREACHABLE:\u{1B}[0m connection refused\n")
        XCTAssertEqual(ExecReport.grouped([ok, bad, gone]), colored.withoutANSI)
    }

    func testTruncationCountsOnlyVisibleCharacters() {
        let line = Palette(colored: true).paint("abcdefghij", .failed) + " tail"
        XCTAssertEqual(line.truncated(toVisible: 20), line)
        XCTAssertEqual(line.truncated(toVisible: 6).withoutANSI, "abcde…")
        XCTAssertTrue(line.truncated(toVisible: 6).hasSuffix("\u{1B}[0m"))
    }
}
