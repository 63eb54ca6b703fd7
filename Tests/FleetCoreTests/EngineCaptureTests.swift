import Foundation
import XCTest
@testable import FleetCore

/// Captures and registers across hosts: dataflow waits, producer failures, empty and regex
/// captures, secrets, kept values reused and produced again.
final class EngineCaptureTests: XCTestCase {
    static let producerAndReaders = """
        - name: cluster
          hosts: all
          tasks:
            - name: make token
              shell: "sleep 0.4; echo token-for-{{ inventory_hostname }}-1234"
              when: inventory_hostname == 'm1'
              capture: { as: token, ttl: 1h }
            - name: use token
              shell: "echo {{ hosts['m1'].token }} > {{ work }}/{{ inventory_hostname }}"
              when: inventory_hostname != 'm1'
        """

    /// A worker reading the master's capture waits for it, then gets the value.
    func testReaderWaitsForProducersCapture() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let summary = try await sandbox.run(Self.producerAndReaders, transport: transport)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(sandbox.file("w1"), "token-for-m1-1234\n")
        XCTAssertEqual(sandbox.file("w2"), "token-for-m1-1234\n")
        let produced = try XCTUnwrap(transport.commands.first { $0.host == "m1" && $0.command.contains("sleep") })
        let read = try XCTUnwrap(transport.commands.first { $0.host == "w1" })
        XCTAssertGreaterThanOrEqual(read.started, produced.ended)
        let kept = try XCTUnwrap(try sandbox.keptState().captures.first)
        XCTAssertEqual([kept.host, kept.name, kept.value, kept.task], ["m1", "token", "token-for-m1-1234", "make token"])
        XCTAssertEqual(kept.expiresAt!.timeIntervalSince(kept.capturedAt), 3600, accuracy: 0.01)
    }

    /// When the producer fails, readers fail with its reason instead of using an empty value.
    func testReaderFailsWithProducersReason() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run(Self.producerAndReaders.replacingOccurrences(
            of: "sleep 0.4; echo token", with: "echo broken >&2; exit 3; echo token"), transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        let reader = try XCTUnwrap(sink.result("w1", "use token"))
        XCTAssertEqual(reader.status, .failed)
        XCTAssertEqual(reader.message, "hosts['m1'].token is unavailable: m1 failed at task 'make token': rc=3: broken")
        XCTAssertEqual(transport.commands(on: "w1"), [], "nothing runs with a missing value")
    }

    /// An empty capture fails its task and everything that needs it (KubeKey #2581).
    func testEmptyCaptureFails() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run(Self.producerAndReaders.replacingOccurrences(
            of: "sleep 0.4; echo token-for-{{ inventory_hostname }}-1234", with: "printf '  \\n'"), transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertEqual(sink.result("m1", "make token")?.status, .failed)
        XCTAssertEqual(sink.result("m1", "make token")?.message, "capture 'token': the command printed nothing to capture")
        XCTAssertEqual(sink.result("w2", "use token")?.status, .failed)
        XCTAssertEqual(try sandbox.keptState().captures, [])
    }

    /// A regex keeps its first group of the first matching line; no match fails.
    func testRegexCaptureTakesFirstGroupPerLine() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1"])
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - name: print join
                  shell: "printf 'noise\\nkubeadm join 10.0.0.1:6443 --token abc\\nmore\\n'"
                  capture: { as: join, regex: '^(kubeadm join .+)$' }
                - name: no match
                  shell: "echo nothing here"
                  capture: { as: other, regex: 'token (\\w+)' }
                  ignore_errors: true
                - name: write
                  shell: "echo '{{ join }}' > {{ work }}/join"
            """, transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(sandbox.file("join"), "kubeadm join 10.0.0.1:6443 --token abc\n")
        XCTAssertEqual(sink.result("h1", "no match")?.message, "capture 'other': regex 'token (\\w+)' matched nothing in the output")
    }

    static let secret = "s3cr3t-join-token-9f8e"

    /// The masters capture `secret` as a secret `token`; then every worker runs `shell`.
    static func secretThen(task: String, shell: String) -> String {
        """
        - hosts: masters
          tasks:
            - name: make secret
              shell: "echo \(secret)"
              capture: { as: token, secret: true }
        - hosts: workers
          tasks:
            - name: \(task)
              shell: "\(shell)"
        """
    }

    /// A secret capture never shows: not in events, not in a failing task's message or
    /// stderr (which echoes it), not in the log files (Ansible #33912).
    func testSecretIsMaskedInEventsErrorsAndLogs() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let secret = Self.secret
        let summary = try await sandbox.run(Self.secretThen(task: "join with it",
                                                             shell: "echo joining with {{ groups.masters[0].token }} >&2; exit 1"),
                                            transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertTrue(transport.commands(on: "w1").first?.contains(secret) ?? false, "the host gets the real value")
        let failure = try XCTUnwrap(sink.result("w1", "join with it"))
        XCTAssertEqual(failure.message, "rc=1: joining with ••••")
        XCTAssertEqual(failure.stderrExcerpt, "joining with ••••")
        XCTAssertFalse(sink.json.contains(secret), "a secret leaked into the events")
        XCTAssertTrue(sink.json.contains("\"secret\":true"))
        let logs = try XCTUnwrap(failure.logPath)
        let stderrLog = try String(contentsOfFile: logs + ".err", encoding: .utf8)
        XCTAssertEqual(stderrLog, "joining with ••••\n")
        let masterLog = try XCTUnwrap(sink.result("m1", "make secret")?.logPath)
        XCTAssertEqual(try String(contentsOfFile: masterLog + ".out", encoding: .utf8), "••••\n")
        XCTAssertEqual(try sandbox.keptState().captures.first?.value, secret, "kept in clear for later runs")
    }

    /// Text made from a secret (by a filter, or joined into a longer string) is masked like
    /// the secret itself; a number made from it is not (it gives nothing away).
    func testTextMadeFromASecretIsMaskedToo() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let secret = Self.secret
        let encoded = Data(secret.utf8).base64EncodedString()
        let token = "groups.masters[0].token"
        let shell = "echo {{ \(token) | upper }} {{ \(token) | b64encode }} {{ ['x', \(token), 'y'] | join('') }} {{ \(token) | length }} >&2; exit 1"
        let summary = try await sandbox.run(Self.secretThen(task: "derive", shell: shell), transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertTrue(transport.commands(on: "w1").first?.contains(encoded) ?? false, "the host gets the real value")
        let failure = try XCTUnwrap(sink.result("w1", "derive"))
        XCTAssertEqual(failure.stderrExcerpt, "•••• •••• •••• 22")
        for leak in [secret.uppercased(), encoded, "x\(secret)y"] {
            XCTAssertFalse(sink.json.contains(leak), "\(leak) leaked into the events")
        }
        let logs = try XCTUnwrap(failure.logPath)
        XCTAssertEqual(try String(contentsOfFile: logs + ".err", encoding: .utf8), "•••• •••• •••• 22\n")
    }

    /// `--limit` to one worker uses the master's kept capture without touching the master
    /// (kubespray #11815).
    func testLimitUsesKeptValue() async throws {
        let sandbox = try EngineSandbox()
        _ = try await sandbox.run(Self.producerAndReaders, transport: FakeTransport())
        try FileManager.default.removeItem(atPath: sandbox.work + "/w2")
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run(Self.producerAndReaders, transport: transport, options: RunOptions(limit: "w2"), sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(transport.commands(on: "m1"), [])
        XCTAssertEqual(sandbox.file("w2"), "token-for-m1-1234\n")
        XCTAssertTrue(sink.events.contains(.keptValue(.init(host: "m1", name: "token", source: .kept, task: "make token", reader: "w2"))))
    }

    /// An expired kept value makes the producing task run again on its host first.
    func testExpiredKeptValueRerunsProducer() async throws {
        let sandbox = try EngineSandbox()
        let clock = ManualClock()
        _ = try await sandbox.run(Self.producerAndReaders, transport: FakeTransport(), clock: clock)
        clock.advance(2 * 3600)
        let transport = FakeTransport()
        let sink = CollectingSink()
        let playbook = Self.producerAndReaders.replacingOccurrences(of: "-1234", with: "-5678")
        let summary = try await sandbox.run(playbook, transport: transport, options: RunOptions(limit: "w2"), clock: clock, sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(transport.commands(on: "m1").count, 1, "only the capturing task runs on the master")
        XCTAssertEqual(sandbox.file("w2"), "token-for-m1-5678\n")
        XCTAssertTrue(sink.events.contains(.keptValue(.init(host: "m1", name: "token", source: .rerunExpired, task: "make token", reader: "w2"))))
        let kept = try XCTUnwrap(try sandbox.keptState().captures.first)
        XCTAssertEqual(kept.value, "token-for-m1-5678")
        XCTAssertEqual(kept.capturedAt, clock.now())
    }
}
