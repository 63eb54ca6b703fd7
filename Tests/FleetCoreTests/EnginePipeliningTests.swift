import Foundation
import XCTest
@testable import FleetCore

/// Which commands the scheduler offers to send ahead of their turn (`TaskPipelining`):
/// only those a host certainly runs next when the command before exits 0.
final class EnginePipeliningTests: XCTestCase {
    /// The `following` list offered with each command on `host`, keyed by the command.
    private func offers(_ transport: FakeTransport, host: String) -> [String: [String]] {
        Dictionary(transport.offeredAhead.filter { $0.host == host }.map { ($0.command, $0.following) },
                   uniquingKeysWith: { first, _ in first })
    }

    func testAFreePlayOffersTheHostsNextPlainCommands() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1", "h2"])
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - { name: a, shell: "echo a-{{ inventory_hostname }}" }
                - { name: b, command: [echo, "b {{ inventory_hostname }}"] }
                - { name: c, shell: "echo c", when: "inventory_hostname == 'h1'" }
                - { name: d, shell: "echo d" }
            """, transport: transport)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(offers(transport, host: "h1")["echo a-h1"], ["echo 'b h1'", "echo c", "echo d"])
        XCTAssertEqual(offers(transport, host: "h1")["echo 'b h1'"], ["echo c", "echo d"])
        // On h2 the `when` is false now, so nothing after it can be known: the chain ends there.
        XCTAssertEqual(offers(transport, host: "h2")["echo a-h2"], ["echo 'b h2'"])
        XCTAssertEqual(offers(transport, host: "h2")["echo d"], [])
        XCTAssertEqual(transport.commands(on: "h2"), ["echo a-h2", "echo 'b h2'", "echo d"])
    }

    func testTheChainEndsWhereMoreThanTheExitCodeDecides() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1"])
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - { name: r, shell: "echo one", register: out }
                - { name: reads-register, shell: "echo got-{{ out.stdout }}" }
                - { name: cap, shell: "echo token-1", capture: { as: token } }
                - { name: after-capture, shell: "echo after" }
                - { name: judged, shell: "echo judged", failed_when: "false" }
                - { name: after-judged, shell: "echo x" }
                - { name: ignored, shell: "echo ignored", ignore_errors: true }
                - { name: guarded, shell: "echo guarded", creates: /nonexistent-file }
                - { name: default-of-capture, shell: "echo got-{{ token | default('none') }}" }
                - { name: last, shell: "echo last" }
            """, transport: transport)
        XCTAssertEqual(summary.exitCode, 0)
        let offered = offers(transport, host: "h1")
        XCTAssertEqual(offered["echo one"], [], "the next task reads what this one registers")
        XCTAssertEqual(offered["echo got-one"], ["echo token-1"])
        XCTAssertEqual(offered["echo token-1"], [], "a capture can fail a task that exited 0")
        XCTAssertEqual(offered["echo after"], ["echo judged"], "failed_when decides after the command")
        XCTAssertEqual(offered["echo judged"], [])
        XCTAssertEqual(offered["echo x"], ["echo ignored"], "an ignored failure goes on: nothing after it is sent")
        XCTAssertEqual(offered["echo ignored"], [])
        XCTAssertEqual(offered["echo guarded"], [], "a task reading a captured name, even with a default, waits")
        XCTAssertEqual(offered["echo got-token-1"], ["echo last"])
        XCTAssertEqual(transport.commands(on: "h1").count, 11, "ten tasks and the `creates` check")
    }

    func testNothingIsOfferedInLinearPlaysOrWhenSwitchedOff() async throws {
        let free = """
            - hosts: all
              tasks:
                - { name: a, shell: "echo a" }
                - { name: b, shell: "echo b" }
            """
        let linear = free.replacingOccurrences(of: "- hosts: all\n", with: "- hosts: all\n  strategy: linear\n")
        let cases: [(String, String, RunOptions)] = [
            ("linear", linear, RunOptions()),
            ("--no-pipelining", free, RunOptions(pipelining: false)),
        ]
        for (name, yaml, options) in cases {
            let sandbox = try EngineSandbox(hosts: ["h1", "h2", "h3"])
            let transport = FakeTransport()
            let summary = try await sandbox.run(yaml, transport: transport, options: options)
            XCTAssertEqual(summary.exitCode, 0, name)
            XCTAssertEqual(transport.offeredAhead.count, 6, name)
            XCTAssertTrue(transport.offeredAhead.allSatisfy { $0.following.isEmpty }, name)
        }
        // The same playbook as a free play does offer, even with fewer forks than hosts: the
        // cases above are not vacuous.
        let sandbox = try EngineSandbox(hosts: ["h1", "h2", "h3"])
        let transport = FakeTransport()
        _ = try await sandbox.run(free, transport: transport, options: RunOptions(forks: 2))
        XCTAssertEqual(offers(transport, host: "h3")["echo a"], ["echo b"])
    }
}

/// Tasks run outside a host's own sequence send nothing ahead.
final class EnginePipeliningOutsideTheRunTests: XCTestCase {
    /// A producer run again for a reader (its host outside `--limit`) must not send that
    /// host's next commands: the run never asks for them, yet the host would run them.
    func testAProducerRunForAReaderSendsNothingAhead() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - name: version
                  shell: "echo v-{{ inventory_hostname }}"
                  register: version
                  when: inventory_hostname == 'm1'
                - name: after
                  shell: "echo after > {{ work }}/after-{{ inventory_hostname }}"
                - name: read
                  shell: "echo {{ hosts['m1'].version.stdout }}"
                  when: inventory_hostname != 'm1'
            """, transport: transport, options: RunOptions(limit: "workers"))
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(transport.commands(on: "m1"), ["echo v-m1"])
        XCTAssertEqual(transport.offeredAhead.filter { $0.host == "m1" }.map(\.following), [[]])
        XCTAssertNil(sandbox.file("after-m1"))
    }
}
