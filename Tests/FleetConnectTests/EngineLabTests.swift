import FleetConnect
import FleetCore
import Foundation
import XCTest

/// The playbook engine over real SSH on lab hosts: captures reused across runs and hosts,
/// ttl expiry, rolling batches, retry-failed, check mode, guards, become.
final class EngineLabTests: XCTestCase {
    private var folder: URL!
    private var inventoryPath: String!
    private var inventory: Inventory!
    /// A remote folder (the lab hosts share this machine's file system, but the tests read
    /// it back through SSH as a user would).
    private var work: String!
    private var transport: SSHTransport!

    override func setUp() async throws {
        let hosts = try LabHosts.hosts(count: 3)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-engine-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        inventoryPath = folder.appendingPathComponent("inventory.yml").path
        func entry(_ host: FleetCore.Host) -> String {
            "      \(host.name): { address: \(host.address), port: \(host.port), user: \(host.user!), key: \"\(host.keyPath!)\", known_hosts: \"\(host.knownHostsPath!)\" }\n"
        }
        let text = "groups:\n  masters:\n    hosts:\n" + entry(hosts[0]) + "  workers:\n    hosts:\n" + hosts.dropFirst().map(entry).joined()
        try text.write(toFile: inventoryPath, atomically: true, encoding: .utf8)
        inventory = try Inventory.load(path: inventoryPath)
        work = LabHosts.uniqueRemotePath("engine")
        transport = LabHosts.transport()
        _ = try await remote(hosts[0], "mkdir -p \(work!) && chmod 777 \(work!)")
    }

    override func tearDown() async throws {
        if let work, let first = inventory?.hosts.first { _ = try? await remote(first, "rm -rf \(work)") }
        await transport?.shutdown()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private var master: FleetCore.Host { inventory.hosts[0] }
    private var workers: [FleetCore.Host] { Array(inventory.hosts.dropFirst()) }

    private func playbookPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Playbooks/\(name)").path
    }

    /// Runs playbook file `name` (or `text` in its place) with a fresh transport per run, as
    /// separate `fleet run` invocations would.
    private func run(_ name: String, text: String? = nil, _ options: RunOptions = RunOptions(),
                     sink: CollectingLabSink = CollectingLabSink()) async throws -> PlaybookRun.Summary {
        var options = options
        options.extraVars["work"] = .string(work)
        var path = playbookPath(name)
        if let text {
            path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let state = try StateStore.open(inventoryPath: inventoryPath)
        defer { state.close() }
        let runTransport = LabHosts.transport()
        let summary = try await PlaybookRun(playbook: try PlaybookParser.load(path: path), inventory: inventory,
                                            transport: runTransport, options: options, sink: sink, state: state).run()
        await runTransport.shutdown()
        return summary
    }

    @discardableResult
    private func remote(_ host: FleetCore.Host, _ command: String) async throws -> String {
        let result = try await transport.connection(to: host).run(RemoteCommand(command, timeout: 30))
        return result.stdoutText
    }

    private func file(_ name: String) async throws -> String {
        try await remote(master, "cat \(work!)/\(name) 2>/dev/null || true")
    }

    func testSecretTokenReachesWorkersAndIsReusedUnderLimitUntilItExpires() async throws {
        let sink = CollectingLabSink()
        let first = try await run("token.yml", sink: sink)
        XCTAssertEqual(first.exitCode, 0, sink.lines)
        let kept = try XCTUnwrap(StateStore.read(inventoryPath: inventoryPath).captures.first { $0.name == "token" })
        XCTAssertEqual(kept.value.count, 32)
        XCTAssertTrue(kept.secret)
        for worker in workers {
            let written = try await file("token-\(worker.name)")
            XCTAssertEqual(written, kept.value, worker.name)
        }
        XCTAssertFalse(sink.json.contains(kept.value), "the secret token leaked into events")
        let runsAfterFirst = try await file("token-runs")
        XCTAssertEqual(runsAfterFirst, "run\n")

        // A later run limited to one worker reuses the kept token: nothing runs on the master.
        let node = workers[1].name
        try await remote(master, "rm \(work!)/token-\(node)")
        let limited = try await run("token.yml", RunOptions(limit: node))
        XCTAssertEqual(limited.exitCode, 0)
        let reused = try await file("token-\(node)")
        XCTAssertEqual(reused, kept.value)
        let runsAfterLimited = try await file("token-runs")
        XCTAssertEqual(runsAfterLimited, "run\n", "the master's task ran again")

        // With a 2 s ttl, once it has passed, the capture is produced again on the master first.
        let shortLived = try String(contentsOfFile: playbookPath("token.yml"), encoding: .utf8).replacingOccurrences(of: "ttl: 1h", with: "ttl: 2s")
        let renewing = try await run("token-ttl.yml", text: shortLived)
        XCTAssertEqual(renewing.exitCode, 0)
        let fresh = try XCTUnwrap(StateStore.read(inventoryPath: inventoryPath).captures.first { $0.name == "token" })
        try await Task.sleep(nanoseconds: 2_200_000_000)
        let expiredSink = CollectingLabSink()
        let rerun = try await run("token-ttl.yml", text: shortLived, RunOptions(limit: workers[0].name), sink: expiredSink)
        XCTAssertEqual(rerun.exitCode, 0, expiredSink.lines)
        let runsAfterExpiry = try await file("token-runs")
        XCTAssertEqual(runsAfterExpiry, "run\nrun\nrun\n")
        let renewed = try XCTUnwrap(StateStore.read(inventoryPath: inventoryPath).captures.first { $0.name == "token" })
        XCTAssertNotEqual(renewed.value, fresh.value)
        let rewritten = try await file("token-\(workers[0].name)")
        XCTAssertEqual(rewritten, renewed.value)
        XCTAssertTrue(expiredSink.lines.contains("kept token expired: running 'make token' again"), expiredSink.lines)
    }

    func testSerialOneFailureStopsRollAndRetryFailedRerunsOnlyThatHost() async throws {
        let broken = inventory.hosts[1].name
        let last = inventory.hosts[2].name
        try await remote(master, "touch \(work!)/break-\(broken)")
        let first = try await run("roll.yml")
        XCTAssertEqual(first.exitCode, 2)
        let masterDeployed = try await file("deployed-\(master.name)")
        XCTAssertEqual(masterDeployed, "deployed\n")
        let lastDeployed = try await file("deployed-\(last)")
        XCTAssertEqual(lastDeployed, "", "the roll must stop at the failed host")

        try await remote(master, "rm \(work!)/break-\(broken)")
        let retry = try await run("roll.yml", RunOptions(retryFailed: true))
        XCTAssertEqual(retry.exitCode, 0)
        XCTAssertEqual(retry.recap.hosts.map(\.host), [broken])
        let brokenDeployed = try await file("deployed-\(broken)")
        XCTAssertEqual(brokenDeployed, "deployed\n")
        let masterAgain = try await file("deployed-\(master.name)")
        XCTAssertEqual(masterAgain, "deployed\n", "retry-failed must not re-run hosts that succeeded")
    }

    func testCheckModeChangesNothingAndGuardsMakeTheSecondRunQuiet() async throws {
        let check = try await run("guards.yml", RunOptions(checkMode: true))
        XCTAssertEqual(check.exitCode, 0)
        let afterCheck = try await remote(master, "ls -A \(work!)")
        XCTAssertEqual(afterCheck, "", "check mode created files")

        let first = try await run("guards.yml")
        XCTAssertEqual(first.exitCode, 0)
        XCTAssertEqual(first.recap.hosts.map(\.changed), [3, 3, 3])
        for host in inventory.hosts {
            let who = try await file("who-\(host.name)")
            XCTAssertEqual(who, "root\n", "become")
            let config = try await file("config-\(host.name)")
            XCTAssertEqual(config, "node=\(host.name)\n")
        }
        let second = try await run("guards.yml")
        XCTAssertEqual(second.exitCode, 0)
        XCTAssertEqual(second.recap.hosts.map(\.changed), [0, 0, 0])
        XCTAssertEqual(second.recap.hosts.map(\.skipped), [1, 1, 1])
    }

    /// A free play's plain commands go to each host ahead of their turn (pipelined); every
    /// task still gets its own output and exit code, and a failure stops its host before
    /// the next command runs there, while the other hosts go on.
    func testPipelinedTasksKeepTheirOwnResultsAndStopAtAFailure() async throws {
        let failing = workers[0].name
        let sink = CollectingLabSink()
        let summary = try await run("pipelined.yml", text: """
            - hosts: all
              tasks:
                - { name: one, shell: "echo one-{{ inventory_hostname }}; echo err-one >&2" }
                - { name: two, shell: "test {{ inventory_hostname }} != \(failing) || exit 7; echo two" }
                - { name: three, shell: "echo three > {{ work }}/three-{{ inventory_hostname }}; echo three" }
            """, sink: sink)
        XCTAssertEqual(summary.exitCode, 2, sink.lines)
        func result(_ host: String, _ task: String) -> RunEvent.HostResult? {
            sink.hostResults.first { $0.host == host && $0.task == task }
        }
        for host in inventory.hosts.map(\.name) {
            XCTAssertEqual(result(host, "one")?.stdoutExcerpt, "one-\(host)", sink.lines)
            XCTAssertEqual(result(host, "one")?.stderrExcerpt, "err-one")
        }
        XCTAssertEqual(result(failing, "two")?.rc, 7)
        XCTAssertEqual(result(failing, "two")?.status, .failed)
        XCTAssertNil(result(failing, "three"), "the failed host ran nothing after it")
        let written = try await remote(master, "ls \(work!)")
        XCTAssertFalse(written.contains("three-\(failing)"), written)
        for host in [master.name, workers[1].name] {
            XCTAssertEqual(result(host, "two")?.stdoutExcerpt, "two")
            XCTAssertEqual(result(host, "three")?.stdoutExcerpt, "three")
            XCTAssertTrue(written.contains("three-\(host)"), written)
        }
    }
}

/// Collects events and their plain lines.
final class CollectingLabSink: RunEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RunEvent] = []

    func emit(_ event: RunEvent) { lock.withLock { events.append(event) } }

    var lines: String {
        lock.withLock { events }.compactMap { RunEventText.line(for: $0) }.joined(separator: "\n")
    }

    var hostResults: [RunEvent.HostResult] {
        lock.withLock { events }.compactMap { if case .hostResult(let result) = $0 { return result } else { return nil } }
    }

    var json: String {
        lock.withLock { events }.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: "\n")
    }
}
