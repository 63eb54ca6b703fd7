import FleetLab
import Foundation
import XCTest

/// `fleet run --json --report` on lab hosts, as a user runs it: JSON Lines on stdout valid
/// against Docs/events.schema.json, the same events in run.jsonl, an HTML report Chromium
/// renders with every host and a bar per host and task, and a secret capture in none of them.
final class ReportRunTests: XCTestCase {
    /// Masters make a secret join token; workers join with it, one worker fails a check,
    /// another skips it; a host that is not there is unreachable.
    static let playbook = """
        - name: prepare
          hosts: all
          tasks:
            - name: gather facts
              shell: "uname -sr; sleep 0.2"
              changed_when: false
            - name: install packages
              shell: "sleep 0.4; echo installed 3 packages"
        - name: control plane
          hosts: masters
          tasks:
            - name: make join token
              shell: "sleep 0.3; head -c16 /dev/urandom | od -An -tx1 | tr -d ' \\\\n' | tee {{ work }}/token"
              capture: { as: join_token, secret: true, ttl: 1h }
        - name: workers
          hosts: workers
          tasks:
            - name: join cluster
              shell: "sleep 0.3; echo joining with {{ groups.masters[0].join_token }}; echo token {{ groups.masters[0].join_token }} >&2"
            - name: check disk
              shell: "sleep 0.15; echo disk almost full >&2; exit 3"
              when: inventory_hostname == 'lab-node2'
              ignore_errors: true
            - name: verify node
              shell: "sleep 0.2; test {{ inventory_hostname }} != lab-node2 || { echo node not ready, token {{ groups.masters[0].join_token }} >&2; exit 1; }"
        """

    private var folder: URL!

    override func setUp() async throws {
        folder = try FleetBinary.temporaryDirectory()
        // The lab's users write the token here (they share this machine's file system).
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
    }

    override func tearDown() async throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// The lab's three hosts plus one whose port is closed.
    private func inventory(_ lab: Lab) throws -> URL {
        let hosts = lab.hosts().prefix(3)
        let closed = try lab.closedPort()
        func entry(_ host: LabHost) -> String { "      \(host.name): { address: \(host.address), port: \(host.port) }\n" }
        let text = "defaults: { user: \(lab.user), key: \(lab.keyPath.path), known_hosts: \(lab.knownHostsPath.path), connect_timeout: 2 }\n"
            + "groups:\n  masters:\n    hosts:\n" + entry(hosts.first!)
            + "  workers:\n    hosts:\n" + hosts.dropFirst().map(entry).joined()
            + "      lab-gone: { address: \(closed.address), port: \(closed.port) }\n"
        let url = folder.appendingPathComponent("hosts.yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testJSONJournalAndReportOfALabRun() throws {
        let lab = try Lab.shared(count: 3)
        let inventory = try inventory(lab)
        let playbook = folder.appendingPathComponent("site.yml")
        try Self.playbook.write(to: playbook, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("run.html")
        let result = try FleetBinary.run(["run", playbook.path, "-i", inventory.path, "-e", "work=\(folder.path)",
                                          "--json", "--report", report.path], directory: folder)
        XCTAssertEqual(result.status, 6, result.stderr)
        let secret = try String(contentsOf: folder.appendingPathComponent("token"), encoding: .utf8)
        XCTAssertEqual(secret.count, 32, "the master wrote its token")
        let hosts = ["lab-master", "lab-node1", "lab-node2", "lab-gone"]

        // stdout: JSON Lines only, every line valid against the documented schema.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let events = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0) }
        XCTAssertEqual(try ReportTools.schemaErrors(result.stdout), [])
        let types = events.map { $0["type"] as? String ?? "" }
        XCTAssertEqual(types.first, "run_start")
        XCTAssertEqual(Array(types.suffix(2)), ["recap", "run_end"])
        for type in ["play_start", "task_start", "host_result", "capture"] { XCTAssertTrue(types.contains(type), type) }
        let runID = try XCTUnwrap(events.first?["run_id"] as? String)
        XCTAssertEqual(Set(events.compactMap { $0["run_id"] as? String }), [runID])
        XCTAssertEqual(events.last?["exit_code"] as? Int, 6)
        let results = events.filter { $0["type"] as? String == "host_result" }
        func hostResult(_ host: String, _ task: String) throws -> [String: Any] {
            try XCTUnwrap(results.first { $0["host"] as? String == host && $0["task"] as? String == task }, "\(host) \(task)")
        }
        XCTAssertEqual(try hostResult("lab-gone", "gather facts")["status"] as? String, "unreachable")
        XCTAssertEqual(try hostResult("lab-node2", "verify node")["status"] as? String, "failed")
        XCTAssertEqual(try hostResult("lab-node2", "verify node")["rc"] as? Int, 1)
        XCTAssertEqual(try hostResult("lab-node2", "check disk")["ignored"] as? Bool, true)
        XCTAssertEqual(try hostResult("lab-node1", "check disk")["status"] as? String, "skipped")
        XCTAssertEqual(try hostResult("lab-node1", "join cluster")["stdout_excerpt"] as? String, "joining with ••••")
        XCTAssertEqual(try hostResult("lab-master", "install packages")["changed"] as? Bool, true)
        let capture = try XCTUnwrap(events.first { $0["type"] as? String == "capture" })
        XCTAssertEqual(capture["value"] as? String, "••••")
        // The recap went to stderr, not among the events.
        XCTAssertTrue(result.stderr.contains("lab-node2"), result.stderr)

        // run.jsonl: the same events, written by every run beside its logs.
        let logDirectory = try XCTUnwrap(events.first?["log_directory"] as? String)
        let journal = try String(contentsOfFile: logDirectory + "/run.jsonl", encoding: .utf8)
        let journalTypes = journal.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String ?? "?"
        }
        XCTAssertEqual(journalTypes.sorted(), types.sorted())
        XCTAssertEqual(try ReportTools.schemaErrors(journal), [])

        // The report, as Chromium renders it: a row per host, a bar per host and task.
        let html = try String(contentsOf: report, encoding: .utf8)
        let dom = try ReportTools.renderedDOM(report)
        for host in hosts {
            XCTAssertEqual(ReportTools.count("class=\"row\" data-host=\"\(host)\"", in: dom), 1, host)
            let expected = results.filter { $0["host"] as? String == host }.count
            XCTAssertGreaterThan(expected, 0, host)
            XCTAssertEqual(ReportTools.count("data-host=\"\(host)\" data-play=", in: dom), expected, host)
        }
        XCTAssertTrue(dom.contains(runID) && dom.contains(inventory.path) && dom.contains(playbook.path))
        XCTAssertTrue(dom.contains("<code>••••</code>"), "the capture is listed, masked")
        XCTAssertTrue(result.stderr.contains("report: "), result.stderr)
        let png = folder.appendingPathComponent("report.png")
        // Opened on the failed bar, as a link from a chat message would open it.
        try ReportTools.screenshot(URL(string: report.absoluteString + "#lab-node2/verify%20node")!, to: png)
        if let keep = ProcessInfo.processInfo.environment["FLEET_REPORT_DEMO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep))
        }

        // Rebuilt later from the journal, the report is the same page.
        let rebuilt = folder.appendingPathComponent("rebuilt.html")
        let again = try FleetBinary.run(["report", logDirectory, "-o", rebuilt.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        let rebuiltHTML = try String(contentsOf: rebuilt, encoding: .utf8)
        XCTAssertEqual(ReportTools.count("<div class=\"bar ", in: rebuiltHTML), results.count)
        XCTAssertEqual(ReportTools.count("<div class=\"bar ", in: html), results.count)

        // A worker added later reads the kept token (kept_value), and a check run shows the
        // commands it would run, the token in them masked.
        let later = try FleetBinary.run(["run", playbook.path, "-i", inventory.path, "-e", "work=\(folder.path)",
                                         "--limit", "lab-node1", "--json"], directory: folder)
        XCTAssertEqual(later.status, 0, later.stderr)
        XCTAssertEqual(try ReportTools.schemaErrors(later.stdout), [])
        XCTAssertTrue(later.stdout.contains(#""source":"kept","task":"make join token""#), later.stdout)
        let check = try FleetBinary.run(["run", playbook.path, "-i", inventory.path, "-e", "work=\(folder.path)",
                                         "--limit", "lab-node1", "--check", "--json"], directory: folder)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(try ReportTools.schemaErrors(check.stdout), [])
        XCTAssertTrue(check.stdout.contains(#""check_mode":true"#))
        XCTAssertTrue(check.stdout.contains("echo joining with ••••"), check.stdout)

        // The secret is in none of the outputs, nor in the logs.
        for (name, text) in [("--json", result.stdout), ("stderr", result.stderr), ("run.jsonl", journal), ("report", html),
                             ("rebuilt report", rebuiltHTML), ("rendered report", dom), ("later run", later.stdout + later.stderr),
                             ("check run", check.stdout + check.stderr)] {
            XCTAssertFalse(text.contains(secret), "the secret leaked into \(name)")
        }
        let logs = FileManager.default.enumerator(atPath: logDirectory)?.compactMap { $0 as? String } ?? []
        for log in logs {
            let text = (try? String(contentsOfFile: logDirectory + "/" + log, encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(secret), "the secret leaked into \(log)")
        }
    }

    /// `fleet exec --json` lines share the envelope and validate against the same schema.
    func testExecJSONLinesHaveTheEventEnvelope() throws {
        let lab = try Lab.shared(count: 3)
        let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "all", "--json", "--",
                                          "hostname; [ $(hostname) != lab-node1 ]"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(try ReportTools.schemaErrors(result.stdout), [])
        let objects = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.count, lab.hosts().count)
        for object in objects {
            XCTAssertEqual(object["schema"] as? Int, 1)
            XCTAssertEqual(object["type"] as? String, "host_result")
            XCTAssertNotNil((object["time"] as? String).flatMap { $0.range(of: #"^\d{4}-\d\d-\d\dT[\d:]{8}\.\d{3}Z$"#, options: .regularExpression) })
            XCTAssertEqual(object["status"] as? String, object["host"] as? String == "lab-node1" ? "failed" : "ok")
        }
    }
}
