import Foundation
import XCTest
@testable import FleetCore

/// Events as JSON lines: the envelope, snake_case fields, times, the run journal beside the
/// logs, and reading lines back.
final class ReportEventLineTests: XCTestCase {
    static let playbook = """
        - name: site
          hosts: all
          tasks:
            - name: make secret
              shell: "echo s3cr3t-value-$((4700 + 11))"
              when: inventory_hostname == 'm1'
              capture: { as: token, secret: true, ttl: 1h }
            - name: use it
              shell: "echo using {{ hosts['m1'].token }}; echo warn >&2"
              changed_when: false
        """

    /// `EventTime.seconds` writes what `ISO8601DateFormatter` wrote there before (the keeper's
    /// log, a capture's expiry): UTC, to the whole second, the fraction dropped, also before 1970.
    func testSecondsAreWhatISO8601DateFormatterWrites() {
        let formatter = ISO8601DateFormatter()
        let samples: [TimeInterval] = [0, 0.999, 1_764_892_800, 1_772_323_199.5, 951_782_400, 4_102_444_799.999,
                                       -1, -0.5, -86_400.25, 1_796_426_723.787]
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(EventTime.seconds(date), formatter.string(from: date), "at \(seconds)")
        }
    }

    /// Every run writes `run.jsonl` beside its logs, one envelope per event, in the order
    /// the sink saw them, readable back into the same events.
    func testRunWritesJournalThatReadsBackAsTheSameEvents() async throws {
        let sandbox = try EngineSandbox()
        let sink = CollectingSink()
        let summary = try await sandbox.run(Self.playbook, transport: FakeTransport(), sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        let journal = URL(fileURLWithPath: summary.recap.logDirectory).appendingPathComponent("run.jsonl")
        let text = try String(contentsOf: journal, encoding: .utf8)
        XCTAssertFalse(text.contains("s3cr3t-value-4711"), "a secret leaked into run.jsonl")
        let lines = try EventLineCoding.decodeLines(text, file: journal.path)
        // What the sink saw is what the journal holds (two hosts may tell events in either order).
        let untimed = { (line: EventLine) in
            EventLineCoding.encode(line).replacingOccurrences(of: #""time":"[^"]*""#, with: "", options: .regularExpression)
        }
        XCTAssertEqual(lines.map(untimed).sorted(),
                       sink.events.map { untimed(EventLine(time: Date(), runID: summary.runID, event: $0)) }.sorted())
        XCTAssertEqual(lines.map(untimed), lines.map { untimed(try! EventLineCoding.decode(EventLineCoding.encode($0))) })
        XCTAssertEqual(lines.count, sink.events.count)
        XCTAssertEqual(Set(lines.map(\.runID)), [summary.runID])
        XCTAssertEqual(lines.map(\.time), lines.map(\.time).sorted())

        let objects = try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.map { $0["type"] as? String }.first, "run_start")
        XCTAssertEqual(objects.map { $0["type"] as? String }.last, "run_end")
        for object in objects {
            XCTAssertEqual(object["schema"] as? Int, 1)
            XCTAssertEqual(object["run_id"] as? String, summary.runID)
            let time = try XCTUnwrap(object["time"] as? String)
            XCTAssertNotNil(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression), time)
        }
        let use = try XCTUnwrap(objects.first { $0["type"] as? String == "host_result" && $0["host"] as? String == "w1" && $0["task"] as? String == "use it" })
        XCTAssertEqual(use["status"] as? String, "ok")
        XCTAssertEqual(use["changed"] as? Bool, false)
        XCTAssertEqual(use["rc"] as? Int, 0)
        XCTAssertEqual(use["stdout_excerpt"] as? String, "using ••••")
        XCTAssertEqual(use["stderr_excerpt"] as? String, "warn")
        XCTAssertEqual(use["action"] as? String, "shell: echo using {{ hosts['m1'].token }}; echo warn >&2")
        XCTAssertTrue((use["log_path"] as? String)?.hasPrefix(summary.recap.logDirectory + "/w1/02-use-it") ?? false)
        let started = try XCTUnwrap((use["started"] as? String).flatMap(EventTime.date))
        let ended = try XCTUnwrap((use["ended"] as? String).flatMap(EventTime.date))
        XCTAssertEqual(ended.timeIntervalSince(started), try XCTUnwrap(use["duration"] as? Double), accuracy: 0.002)
        let capture = try XCTUnwrap(objects.first { $0["type"] as? String == "capture" })
        XCTAssertEqual(capture["value"] as? String, "••••")
        XCTAssertEqual(capture["secret"] as? Bool, true)
        XCTAssertNotNil(capture["expires_at"] as? String)
        let start = try XCTUnwrap(objects.first)
        XCTAssertEqual(start["inventory"] as? String, sandbox.inventoryPath)
        XCTAssertEqual(start["hosts"] as? [String], ["m1", "w1", "w2"])
    }

    /// `--json` and the journal stamp with the same clock; a stdout sink gets what the file gets.
    func testStreamSinkWritesOneLinePerEventWithTheRunIDLearntFromRunStart() throws {
        let clock = ManualClock()
        let collected = LockedData()
        let sink = JSONLinesSink(now: { clock.now() }, write: collected.append)
        sink.emit(.runStart(.init(runID: "20260101-000000-abcd", playbook: "/p.yml", hosts: ["a"], checkMode: false,
                                  logDirectory: "/l", inventory: "/i.yml")))
        clock.advance(1.25)
        sink.emit(.taskStart(.init(play: "p", task: "t", hosts: ["a"])))
        let lines = String(decoding: collected.data, as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1], #"{"hosts":["a"],"play":"p","run_id":"20260101-000000-abcd","schema":1,"task":"t","#
                       + #""time":"2027-01-15T08:00:01.250Z","type":"task_start"}"#)
        XCTAssertEqual(try EventLineCoding.decode(lines[1]).time, clock.now())
    }

    func testUnreadableLineNamesFileAndLine() {
        let text = EventLineCoding.encode(EventLine(time: Date(), runID: "r", event: .runEnd(.init(runID: "r", exitCode: 0, interrupted: false))))
        XCTAssertThrowsError(try EventLineCoding.decodeLines(text + "\n\n{\"schema\":1,\"type\":\"nope\",\"time\":\"x\",\"run_id\":\"r\"}\n", file: "run.jsonl")) { error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription?.hasPrefix("run.jsonl:3: error: not a fleet event"), true, "\(error)")
        }
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    func append(_ data: Data) { lock.withLock { stored.append(data) } }
    var data: Data { lock.withLock { stored } }
}
