import Foundation
import XCTest
@testable import FleetCore

/// The HTML report drawn from a run's events: a row per host, a bar per task on a host,
/// escaped text, masked secrets, nothing loaded from elsewhere.
final class ReportHTMLTests: XCTestCase {
    func testReportOfARunHasARowPerHostAndABarPerHostTask() async throws {
        let sandbox = try EngineSandbox()
        let sink = CollectingSink()
        let summary = try await sandbox.run(ReportEventLineTests.playbook + """

                - name: "<b>escaped</b>"
                  shell: "echo '<script>alert(1)</script>'; exit 3"
                  when: inventory_hostname == 'w2'
            """, transport: FakeTransport(unreachable: ["w1"]), sink: sink)
        XCTAssertEqual(summary.exitCode, 6)
        let html = HTMLReport.render(RunReport(lines: try journal(of: summary)))
        XCTAssertFalse(html.contains("s3cr3t-value-4711"), "a secret leaked into the report")
        XCTAssertFalse(html.contains("<script>alert"), "output must be escaped")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(html.contains("<b>escaped"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains(" src="), "the page loads nothing")
        for host in ["m1", "w1", "w2"] {
            XCTAssertEqual(html.components(separatedBy: "<div class=\"row\" data-host=\"\(host)\"").count, 2, host)
            let bars = html.components(separatedBy: "data-host=\"\(host)\" data-play").count - 1
            XCTAssertEqual(bars, sink.results.filter { $0.host == host }.count, host)
        }
        XCTAssertTrue(html.contains("class=\"bar unreachable\""))
        XCTAssertTrue(html.contains("class=\"bar failed\""))
        XCTAssertTrue(html.contains("class=\"bar skipped\""))
        XCTAssertTrue(html.contains("<code>••••</code> <span class=\"badge skipped\">secret</span>"))
        XCTAssertTrue(html.contains(summary.runID))
        XCTAssertTrue(html.contains(sandbox.inventoryPath))
    }

    /// The recorder `--report` uses stamps events as the journal does; a report drawn from
    /// either has the engine's recap.
    func testRecorderStampsEventsInOrderAndReportKeepsTheEnginesRecap() async throws {
        let sandbox = try EngineSandbox()
        let summary = try await sandbox.run(ReportEventLineTests.playbook, transport: FakeTransport())
        let lines = try journal(of: summary)
        let recorder = EventRecorder()
        for line in lines { recorder.emit(line.event) }
        XCTAssertEqual(recorder.lines.map { EventLineCoding.encode(EventLine(time: $0.time, runID: $0.runID, event: $0.event)) }
                           .map { $0.replacingOccurrences(of: #""time":"[^"]*""#, with: "", options: .regularExpression) },
                       lines.map { EventLineCoding.encode($0) }
                           .map { $0.replacingOccurrences(of: #""time":"[^"]*""#, with: "", options: .regularExpression) })
        XCTAssertEqual(Set(recorder.lines.map(\.runID)), [summary.runID])
        XCTAssertEqual(RunReport(lines: lines).recap, summary.recap)
        XCTAssertEqual(RunReport(lines: recorder.lines).recap, summary.recap)
    }

    /// 200 hosts: compact rows, every host and every host-task drawn, bars inside the axis.
    func testTwoHundredHostsAreCompactAndComplete() async throws {
        let names = (1...200).map { String(format: "node%03d", $0) }
        let sandbox = try EngineSandbox(hosts: names)
        let summary = try await sandbox.run("""
            - hosts: nodes
              tasks:
                - name: one
                  shell: "true"
                - name: two
                  shell: "test {{ inventory_hostname }} != node007"
            """, transport: FakeTransport(), options: RunOptions(forks: 50))
        XCTAssertEqual(summary.exitCode, 2)
        let report = RunReport(lines: try journal(of: summary))
        XCTAssertEqual(report.hosts, names)
        for bars in report.bars.values {
            XCTAssertEqual(bars.count, 2)
            for bar in bars { XCTAssertTrue(0 <= bar.start && bar.start <= bar.end && bar.end <= report.span + 0.001, "\(bar)") }
        }
        let html = HTMLReport.render(report)
        XCTAssertTrue(html.contains("<div class=\"timeline compact\""))
        XCTAssertEqual(html.components(separatedBy: "<div class=\"bar ").count - 1, 400)
        XCTAssertEqual(html.components(separatedBy: "class=\"bar failed\"").count - 1, 1)
    }

    func testAxisTicksAreRoundStepsCoveringTheSpan() {
        XCTAssertEqual(TimelineAxis.ticks(span: 7.3), [0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(TimelineAxis.ticks(span: 0.9), [0, 0.2, 0.4, 0.6, 0.8])
        XCTAssertEqual(TimelineAxis.ticks(span: 300), [0, 50, 100, 150, 200, 250, 300])
    }
}

/// The events of a finished run, read back from its `run.jsonl`.
func journal(of summary: PlaybookRun.Summary) throws -> [EventLine] {
    let url = URL(fileURLWithPath: summary.recap.logDirectory).appendingPathComponent("run.jsonl")
    return try EventLineCoding.decodeLines(try String(contentsOf: url, encoding: .utf8), file: url.path)
}
