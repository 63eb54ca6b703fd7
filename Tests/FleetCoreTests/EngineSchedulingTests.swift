import Foundation
import XCTest
@testable import FleetCore

/// Order of work: strategies, batches, failures stopping hosts and rolls, run_once, exit codes.
final class EngineSchedulingTests: XCTestCase {
    /// Under the default `free` strategy the fast host runs its second task while the slow
    /// host is still in its first; under `linear` it waits.
    func testFreeStrategyDoesNotWaitForSlowHostButLinearDoes() async throws {
        let inventory = """
            groups:
              workers:
                hosts:
                  slow: { vars: { pause: "0.8" } }
                  fast: { vars: { pause: "0" } }
            """
        let playbook = { (strategy: String) in
            """
            - hosts: workers
              strategy: \(strategy)
              tasks:
                - name: first
                  shell: "sleep {{ pause }}"
                - name: second
                  shell: "echo {{ inventory_hostname }}"
            """
        }
        for strategy in ["free", "linear"] {
            let sandbox = try EngineSandbox(inventory: inventory)
            let transport = FakeTransport()
            let summary = try await sandbox.run(playbook(strategy), transport: transport)
            XCTAssertEqual(summary.exitCode, 0)
            let slowFirst = try XCTUnwrap(transport.commands.first { $0.host == "slow" && $0.command.hasPrefix("sleep") })
            let fastSecond = try XCTUnwrap(transport.commands.first { $0.host == "fast" && $0.command.hasPrefix("echo") })
            if strategy == "free" {
                XCTAssertLessThan(fastSecond.ended, slowFirst.ended, "free: fast host must not wait for the slow one")
            } else {
                XCTAssertGreaterThanOrEqual(fastSecond.started, slowFirst.ended, "linear: every host finishes a task first")
            }
        }
    }

    /// `serial: [1, 50%]` on five hosts: batches of 1, 2, 2, each finished before the next starts.
    func testSerialBatchesWithGrowingSizes() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1", "h2", "h3", "h4", "h5"])
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: all
              serial: [1, 50%]
              tasks:
                - name: step
                  shell: "sleep 0.05; echo {{ inventory_hostname }}"
            """, transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        let batches = sink.events.compactMap { event -> [String]? in
            if case .playStart(let start) = event { return start.hosts } else { return nil }
        }
        XCTAssertEqual(batches, [["h1"], ["h2", "h3"], ["h4", "h5"]])
        let byHost = Dictionary(uniqueKeysWithValues: transport.commands.map { ($0.host, $0) })
        XCTAssertLessThanOrEqual(byHost["h1"]!.ended, byHost["h2"]!.started)
        XCTAssertLessThanOrEqual(max(byHost["h2"]!.ended, byHost["h3"]!.ended), min(byHost["h4"]!.started, byHost["h5"]!.started))
    }

    /// Unreachable hosts count as failed for `max_fail_percentage` (Ansible #7686): one of
    /// three unreachable is 33% > 20%, so the run stops and the next play never starts.
    func testMaxFailPercentageCountsUnreachableHosts() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport(unreachable: ["w2"])
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: all
              max_fail_percentage: 20
              tasks:
                - name: ping
                  shell: "true"
            - name: second play
              hosts: all
              tasks:
                - name: never
                  shell: "touch {{ work }}/second-{{ inventory_hostname }}"
            """, transport: transport, sink: sink)
        XCTAssertTrue(summary.maxFailExceeded)
        XCTAssertEqual(summary.exitCode, 6, "unreachable (4) and the roll stopped as failed (2)")
        XCTAssertEqual(sink.result("w2", "ping")?.status, .unreachable)
        XCTAssertTrue(transport.commands.allSatisfy { !$0.command.contains("touch") }, "the second play must not run")
        XCTAssertEqual(summary.recap.hosts.first { $0.host == "w2" }?.unreachable, 1)
    }

    /// With `serial: 1`, a failing host stops the roll: hosts after it are never touched.
    func testSerialOneFailureStopsTheRoll() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1", "h2", "h3"])
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: all
              serial: 1
              tasks:
                - name: upgrade
                  shell: "test {{ inventory_hostname }} != h2 && touch {{ work }}/{{ inventory_hostname }}"
            """, transport: transport)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertNotNil(sandbox.file("h1"))
        XCTAssertEqual(transport.commands(on: "h3"), [], "h3 comes after the failed batch")
        XCTAssertEqual(summary.recap.failedHosts, ["h2"])
    }

    /// A failed host takes no part in later plays; `ignore_errors` lets a host go on.
    func testFailureStopsHostForTheRunAndIgnoreErrorsContinues() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: workers
              tasks:
                - name: may fail
                  shell: "test {{ inventory_hostname }} = w1"
                - name: allowed to fail
                  shell: "exit 7"
                  ignore_errors: true
                - name: after
                  shell: "echo after"
            - hosts: all
              tasks:
                - name: later play
                  shell: "echo later"
            """, transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertEqual(sink.result("w2", "may fail")?.status, .failed)
        XCTAssertEqual(sink.result("w1", "allowed to fail")?.ignored, true)
        XCTAssertEqual(sink.result("w1", "after")?.status, .changed)
        XCTAssertEqual(transport.commands(on: "w2").count, 1, "w2 stops at its failure")
        XCTAssertEqual(transport.commands(on: "m1"), ["echo later"])
        XCTAssertEqual(summary.recap.hosts.first { $0.host == "w1" }?.ignored, 1)
    }

    /// `run_once` runs once per run, not once per batch (Ansible #9861), and its registered
    /// result reaches every host of the play.
    func testRunOnceRunsOncePerRunAcrossBatches() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1", "h2", "h3"])
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: all
              serial: 1
              tasks:
                - name: once
                  shell: "echo ran >> {{ work }}/once.log; echo generated-value"
                  run_once: true
                  register: made
                - name: use
                  shell: "echo {{ made.stdout }} > {{ work }}/use-{{ inventory_hostname }}"
            """, transport: transport)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(sandbox.file("once.log"), "ran\n")
        for host in ["h1", "h2", "h3"] {
            XCTAssertEqual(sandbox.file("use-\(host)"), "generated-value\n", host)
        }
        XCTAssertEqual(transport.commands(on: "h1").count, 2, "run_once runs on the play's first host")
    }

    /// `until` retries with the result in scope; `changed_when`/`failed_when` judge the result.
    func testUntilRetriesAndResultConditions() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1"])
        let transport = FakeTransport()
        let sink = CollectingSink()
        let clock = ManualClock()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - name: wait until third try
                  shell: "echo x >> {{ work }}/tries; wc -l < {{ work }}/tries | tr -d ' '"
                  until: result.stdout | trim == '3'
                  retries: 5
                  delay: 10
                - name: not a change
                  shell: "echo same"
                  changed_when: "'different' in result.stdout"
                - name: grep finds nothing
                  shell: "exit 1"
                  failed_when: result.rc > 1
            """, transport: transport, clock: clock, sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(sandbox.file("tries"), "x\nx\nx\n")
        XCTAssertEqual(sink.result("h1", "not a change")?.status, .ok)
        XCTAssertEqual(sink.result("h1", "grep finds nothing")?.status, .changed)
    }

    /// A `when` that is false skips; guards skip with their reason; unreachable hosts exit 4.
    func testWhenGuardsAndUnreachableExitCode() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport(unreachable: ["m1"])
        let sink = CollectingSink()
        try "x".write(toFile: sandbox.work + "/exists", atomically: true, encoding: .utf8)
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - name: only w1
                  shell: "echo w1"
                  when: inventory_hostname == 'w1'
                - name: guarded
                  shell: "touch {{ work }}/should-not"
                  creates: "{{ work }}/exists"
            """, transport: transport, sink: sink)
        XCTAssertEqual(summary.exitCode, 4)
        XCTAssertEqual(sink.result("w2", "only w1")?.status, .skipped)
        XCTAssertEqual(sink.result("w1", "guarded")?.status, .skipped)
        XCTAssertEqual(sink.result("w1", "guarded")?.message, "creates \(sandbox.work)/exists exists")
        XCTAssertNil(sandbox.file("should-not"))
        XCTAssertEqual(summary.recap.unreachableHosts, ["m1"])
    }
}
