import Foundation
import FleetTestSupport
import XCTest
@testable import FleetCore

/// More hosts than `--forks` in a free play: a host keeps its fork slot along a chain of
/// commands sent ahead (`ForkSlot`), so pipelining still works, never more than `forks`
/// hosts run at once, and no host waits for another's value while holding a slot.
final class EngineForkSlotTests: XCTestCase {
    static let threeSteps = """
        - hosts: all
          tasks:
            - { name: a, shell: "sleep 0.05; echo a" }
            - { name: b, shell: "sleep 0.05; echo b" }
            - { name: c, shell: "sleep 0.05; echo c" }
        """

    func testHostsBeyondForksHaveTheirNextCommandsOfferedAhead() async throws {
        let hosts = (1...5).map { "h\($0)" }
        let sandbox = try EngineSandbox(hosts: hosts)
        let transport = FakeTransport()
        let summary = try await sandbox.run(Self.threeSteps, transport: transport, options: RunOptions(forks: 2))
        XCTAssertEqual(summary.exitCode, 0)
        for host in hosts {
            let offered = transport.offeredAhead.filter { $0.host == host }
            XCTAssertEqual(offered.map(\.command), ["sleep 0.05; echo a", "sleep 0.05; echo b", "sleep 0.05; echo c"], host)
            XCTAssertEqual(offered.map(\.following), [["sleep 0.05; echo b", "sleep 0.05; echo c"], ["sleep 0.05; echo c"], []], host)
        }
    }

    /// Each host runs its whole chain inside one slot: at most `forks` hosts are between their
    /// first command's start and their last command's end at any moment (with a slot per task,
    /// all six hosts would be).
    func testAtMostForksHostsRunAtOnceEachKeepingItsSlotForItsChain() async throws {
        let hosts = (1...6).map { "h\($0)" }
        for forks in [1, 2, 4] {
            let sandbox = try EngineSandbox(hosts: hosts)
            let transport = FakeTransport()
            let summary = try await sandbox.run(Self.threeSteps, transport: transport, options: RunOptions(forks: forks))
            XCTAssertEqual(summary.exitCode, 0)
            XCTAssertEqual(transport.commands.count, 18)
            let commands = transport.commands.map { (start: $0.started, end: $0.ended) }
            XCTAssertLessThanOrEqual(Self.mostAtOnce(commands), forks, "commands running at once, forks \(forks)")
            let spans = hosts.map { host in
                let records = transport.commands.filter { $0.host == host }
                return (start: records.map(\.started).min()!, end: records.map(\.ended).max()!)
            }
            XCTAssertEqual(Self.mostAtOnce(spans), forks, "hosts between their first and last command, forks \(forks)")
        }
    }

    /// With one or two slots, workers run plain steps (chains), a task gated on the master's
    /// capture, and a task reading it, while the master, last in the inventory, produces it:
    /// the run finishes and every reader got the value.
    func testSmallForksWithCrossHostCapturesFinish() async throws {
        let playbook = """
            - hosts: all
              tasks:
                - { name: s1, shell: "echo s1" }
                - { name: s2, shell: "echo s2" }
                - name: make token
                  shell: "sleep 0.2; echo token-{{ inventory_hostname }}"
                  when: inventory_hostname == 'm1'
                  capture: { as: token }
                - { name: gated, shell: "echo gated", when: "hosts['m1'].token != ''" }
                - name: use token
                  shell: "echo got-{{ hosts['m1'].token }}"
                  when: inventory_hostname != 'm1'
                - { name: s3, shell: "echo s3" }
                - { name: s4, shell: "echo s4" }
            """
        for forks in [1, 2] {
            let transport = FakeTransport()
            let summary = try await Deadline.finishing(within: 30) {
                let sandbox = try EngineSandbox(inventory: Self.workersThenMaster)
                return try await sandbox.run(playbook, transport: transport, options: RunOptions(forks: forks))
            }
            XCTAssertEqual(summary?.exitCode, 0, "forks \(forks): the run must finish, and succeed")
            for worker in ["w1", "w2", "w3"] {
                XCTAssertEqual(transport.commands(on: worker), ["echo s1", "echo s2", "echo gated", "echo got-token-m1", "echo s3", "echo s4"],
                               "forks \(forks), \(worker)")
            }
        }
    }

    /// With one slot, a reader whose producer must run again (its kept value expired, the
    /// master outside `--limit`) gives its slot back first, so the producer can take it.
    func testOneForkWithAProducerRunAgainFinishes() async throws {
        let playbook = """
            - hosts: all
              tasks:
                - { name: s1, shell: "echo s1" }
                - { name: s2, shell: "echo s2" }
                - name: make token
                  shell: "echo token-{{ inventory_hostname }}"
                  when: inventory_hostname == 'm1'
                  capture: { as: token, ttl: 1h }
                - name: use token
                  shell: "echo got-{{ hosts['m1'].token }}"
                  when: inventory_hostname != 'm1'
                - { name: s3, shell: "echo s3" }
            """
        let clock = ManualClock()
        let transport = FakeTransport()
        let summaries = try await Deadline.finishing(within: 30) {
            let sandbox = try EngineSandbox(inventory: Self.workersThenMaster)
            let first = try await sandbox.run(playbook, transport: FakeTransport(), options: RunOptions(forks: 1), clock: clock)
            clock.advance(2 * 3600)
            let second = try await sandbox.run(playbook, transport: transport, options: RunOptions(limit: "workers", forks: 1), clock: clock)
            return [first.exitCode, second.exitCode]
        }
        XCTAssertEqual(summaries, [0, 0], "both runs must finish, and succeed")
        XCTAssertEqual(transport.commands(on: "m1"), ["echo token-m1"], "the producer ran again, alone on the master")
        XCTAssertEqual(transport.commands(on: "w3"), ["echo s1", "echo s2", "echo got-token-m1", "echo s3"])
    }

    static let workersThenMaster = """
        groups:
          workers:
            hosts:
              w1: {}
              w2: {}
              w3: {}
          masters:
            hosts:
              m1: {}
        """

    /// The largest number of `intervals` that overlap at one moment.
    static func mostAtOnce(_ intervals: [(start: Date, end: Date)]) -> Int {
        // At equal times an end comes first: a slot given back and taken again is not an overlap.
        var edges: [(time: Date, change: Int)] = []
        for interval in intervals {
            edges.append((interval.start, 1))
            edges.append((interval.end, -1))
        }
        edges.sort { $0.time == $1.time ? $0.change < $1.change : $0.time < $1.time }
        var running = 0
        var most = 0
        for (_, change) in edges {
            running += change
            most = max(most, running)
        }
        return most
    }
}
