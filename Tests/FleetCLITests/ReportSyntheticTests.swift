import Foundation
import XCTest

/// `fleet report` on a journal of 200 hosts written by hand from Docs/events.md: the page
/// Chromium renders has every host and every host-task bar, compact rows under a sticky axis.
final class ReportSyntheticTests: XCTestCase {
    static let tasks = ["gather facts", "install packages", "write config", "restart service", "verify"]

    /// A run of `hosts` hosts through `tasks`: every 37th host fails `restart service` (and
    /// stops), every 50th is unreachable, `write config` is skipped on odd hosts.
    static func journal(hosts: [String]) throws -> String {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func time(_ seconds: Double) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: start.addingTimeInterval(seconds))
        }
        var lines: [[String: Any]] = []
        func event(_ type: String, at seconds: Double, _ fields: [String: Any]) {
            lines.append(["schema": 1, "type": type, "time": time(seconds), "run_id": "20270115-080000-beef"].merging(fields) { $1 })
        }
        event("run_start", at: 0, ["playbook": "/srv/site.yml", "inventory": "/srv/hosts.yml", "hosts": hosts, "check_mode": false,
                                   "log_directory": "/srv/.fleet/logs/20270115-080000-beef"])
        event("play_start", at: 0, ["name": "rollout", "hosts": hosts, "batch": 1, "batches": 1])
        var stopped: Set<String> = []
        var clock = 0.0
        for (number, task) in tasks.enumerated() {
            event("task_start", at: clock, ["play": "rollout", "task": task, "hosts": hosts.filter { !stopped.contains($0) }])
            var latest = clock
            for (index, host) in hosts.enumerated() where !stopped.contains(host) {
                let began = clock + Double(index % 20) * 0.01
                var status = "changed"
                var duration = 0.2 + Double((index * 7 + number * 3) % 11) * 0.05
                var fields: [String: Any] = ["host": host, "play": "rollout", "task": task, "commands": [String](),
                                             "stdout_excerpt": "", "stderr_excerpt": "", "ignored": false,
                                             "action": "shell: step \(number + 1)"]
                if index % 50 == 49 {
                    status = "unreachable"; duration = 0.05; fields["message"] = "connect to 10.0.0.\(index) port 22 timed out"
                    stopped.insert(host)
                } else if task == "write config", index % 2 == 1 {
                    status = "skipped"; duration = 0; fields["message"] = "when: primary is false"
                } else if task == "restart service", index % 37 == 36 {
                    status = "failed"; fields["rc"] = 1; fields["stderr_excerpt"] = "Job for app.service failed"
                    fields["message"] = "rc=1: Job for app.service failed"; stopped.insert(host)
                } else {
                    fields["rc"] = 0; fields["stdout_excerpt"] = "done \(task) on \(host)"
                    fields["log_path"] = "/srv/.fleet/logs/20270115-080000-beef/\(host)/0\(number + 1)-step"
                }
                fields["status"] = status
                fields["changed"] = status == "changed"
                fields["duration"] = duration
                fields["started"] = time(began)
                fields["ended"] = time(began + duration)
                event("host_result", at: began + duration, fields)
                latest = max(latest, began + duration)
            }
            clock = latest
        }
        event("capture", at: clock, ["host": hosts[0], "name": "release", "value": "v2.4.1", "secret": false])
        event("run_end", at: clock + 0.01, ["exit_code": 6, "interrupted": false])
        return try lines.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }

    func testTwoHundredHostReportRendersEveryHostAndBar() throws {
        let folder = try FleetBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hosts = (1...200).map { String(format: "web-%03d", $0) }
        let text = try Self.journal(hosts: hosts)
        XCTAssertEqual(try ReportTools.schemaErrors(text), [], "the hand-written journal follows Docs/events.md")
        let journal = folder.appendingPathComponent("run.jsonl")
        try text.write(to: journal, atomically: true, encoding: .utf8)
        let page = folder.appendingPathComponent("big.html")
        let result = try FleetBinary.run(["report", journal.path, "-o", page.path])
        XCTAssertEqual(result.status, 0, result.stderr)

        let expectedBars = text.components(separatedBy: "\"type\":\"host_result\"").count - 1
        let dom = try ReportTools.renderedDOM(page)
        XCTAssertTrue(dom.contains("class=\"timeline compact\""))
        XCTAssertEqual(ReportTools.count("<div class=\"row\" data-host=", in: dom), 200)
        for host in hosts { XCTAssertEqual(ReportTools.count("class=\"row\" data-host=\"\(host)\"", in: dom), 1, host) }
        XCTAssertEqual(ReportTools.count("<div class=\"bar ", in: dom), expectedBars)
        XCTAssertEqual(ReportTools.count("<div class=\"bar failed\"", in: dom), 5)
        XCTAssertEqual(ReportTools.count("<div class=\"bar unreachable\"", in: dom), 4)
        // Without a recap event the report counts one from the results.
        XCTAssertTrue(dom.contains("<tr class=\"bad\"><td>web-037</td><td>0</td><td>3</td><td>0</td><td>1</td><td>0</td>"), "recap row of web-037")
        // A link to one bar opens with its details filled in by the page's script.
        let linked = URL(string: page.absoluteString + "#web-037/restart%20service")!
        let selected = try ReportTools.renderedDOM(linked)
        XCTAssertTrue(selected.contains("<h3>restart service</h3>"), "the detail panel shows the linked bar")
        XCTAssertTrue(selected.contains("Job for app.service failed"))
        let png = folder.appendingPathComponent("big.png")
        try ReportTools.screenshot(linked, to: png)
        if let keep = ProcessInfo.processInfo.environment["FLEET_REPORT_DEMO_LARGE"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep))
        }
    }

    /// Every example in Docs/events.md is valid, and every event type has its section.
    func testDocumentedExamplesFollowTheSchema() throws {
        let doc = try String(contentsOf: ReportTools.docs.appendingPathComponent("events.md"), encoding: .utf8)
        let examples = doc.components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        XCTAssertEqual(examples.count, 9)
        XCTAssertEqual(try ReportTools.schemaErrors(examples.joined(separator: "\n")), [])
        for type in ["run_start", "play_start", "task_start", "host_result", "capture", "kept_value", "recap", "run_end"] {
            XCTAssertTrue(doc.contains("## `\(type)`"), type)
        }
        // The schema is not a rubber stamp: an undocumented field, a secret in clear, a time
        // without milliseconds and an unknown type are each refused.
        let capture = try XCTUnwrap(examples.first { $0.contains(#""type":"capture""#) })
        let result = try XCTUnwrap(examples.first { $0.contains(#""type":"host_result""#) && $0.contains("run_id") })
        let broken = [
            result.replacingOccurrences(of: #""ignored":false"#, with: #""ignored":false,"surprise":1"#),
            capture.replacingOccurrences(of: "\"value\":\"••••\"", with: #""value":"hunter2""#),
            result.replacingOccurrences(of: #"\.\d{3}Z"#, with: "Z", options: .regularExpression),
            result.replacingOccurrences(of: #""type":"host_result""#, with: #""type":"host_done""#),
        ]
        XCTAssertEqual(try ReportTools.schemaErrors(broken.joined(separator: "\n")).count, broken.count)
    }
}
