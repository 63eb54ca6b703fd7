import Foundation
import XCTest
@testable import FleetCore

/// Command-line options of a run: --retry-failed, --start-at-task, --check, validation.
final class EngineOptionsTests: XCTestCase {
    static let failOnW2 = """
        - hosts: workers
          tasks:
            - name: deploy
              shell: "test ! -e {{ work }}/break-{{ inventory_hostname }} && echo ok >> {{ work }}/deployed-{{ inventory_hostname }}"
        """

    /// `--retry-failed` runs only the hosts that failed last time; without a recorded run it
    /// is an error before anything runs.
    func testRetryFailedRerunsOnlyFailedHosts() async throws {
        let sandbox = try EngineSandbox()
        do {
            _ = try await sandbox.run(Self.failOnW2, transport: FakeTransport(), options: RunOptions(retryFailed: true))
            XCTFail("expected an error")
        } catch let error as RunSetupError {
            guard case .noRunToRetry = error else { return XCTFail("\(error)") }
        }
        try "".write(toFile: sandbox.work + "/break-w2", atomically: true, encoding: .utf8)
        let first = try await sandbox.run(Self.failOnW2, transport: FakeTransport())
        XCTAssertEqual(first.exitCode, 2)
        try FileManager.default.removeItem(atPath: sandbox.work + "/break-w2")
        let transport = FakeTransport()
        let second = try await sandbox.run(Self.failOnW2, transport: transport, options: RunOptions(retryFailed: true))
        XCTAssertEqual(second.exitCode, 0)
        XCTAssertEqual(Set(transport.commands.map(\.host)), ["w2"])
        XCTAssertEqual(sandbox.file("deployed-w1"), "ok\n", "w1 ran once, in the first run")
        do {
            _ = try await sandbox.run(Self.failOnW2, transport: FakeTransport(), options: RunOptions(retryFailed: true))
            XCTFail("expected an error")
        } catch let error as RunSetupError {
            XCTAssertEqual(error, .nothingToRetry(runID: second.runID))
        }
    }

    /// `--start-at-task` skips the tasks before it; an unknown name lists the tasks.
    func testStartAtTask() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1"])
        let playbook = """
            - hosts: all
              tasks:
                - { name: one, shell: "echo one" }
                - { name: two, shell: "echo two" }
            - hosts: all
              tasks:
                - { name: three, shell: "echo three" }
            """
        let transport = FakeTransport()
        _ = try await sandbox.run(playbook, transport: transport, options: RunOptions(startAtTask: "two"))
        XCTAssertEqual(transport.commands(on: "h1"), ["echo two", "echo three"])
        do {
            _ = try await sandbox.run(playbook, transport: FakeTransport(), options: RunOptions(startAtTask: "four"))
            XCTFail("expected an error")
        } catch let error as RunSetupError {
            XCTAssertEqual(error.errorDescription, "error: --start-at-task: no task is named 'four'\n  hint: tasks: 'one', 'two', 'three'")
        }
    }

    /// `--check` changes nothing: only read-only guard checks reach the hosts, each task
    /// reports what it would run, and values not yet captured show as placeholders.
    func testCheckModeRunsNothingThatMutates() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: masters
              tasks:
                - name: make token
                  shell: "echo token > {{ work }}/made; cat {{ work }}/made"
                  creates: "{{ work }}/never-there"
                  capture: { as: token }
            - hosts: workers
              tasks:
                - name: join
                  shell: "echo {{ hosts['m1'].token }} > {{ work }}/{{ inventory_hostname }}"
                - name: copy config
                  copy: { content: "x", dest: "{{ work }}/config-{{ inventory_hostname }}" }
            """, transport: transport, options: RunOptions(checkMode: true), sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.work), [], "check mode wrote a file")
        XCTAssertTrue(transport.commands.allSatisfy { !$0.command.contains("echo token") && !$0.command.contains("> ") }, "\(transport.commands.map(\.command))")
        XCTAssertEqual(sink.result("m1", "make token")?.commands, ["echo token > \(sandbox.work)/made; cat \(sandbox.work)/made"])
        XCTAssertEqual(sink.result("w1", "join")?.commands, ["echo <capture m1:token> > \(sandbox.work)/w1"])
        XCTAssertEqual(try sandbox.keptState().captures, [])
        XCTAssertNil(try sandbox.keptState().runs.first, "a check run is not a run to retry")
    }

    /// A playbook with an error runs nothing.
    func testInvalidPlaybookRunsNothing() async throws {
        let sandbox = try EngineSandbox()
        let transport = FakeTransport()
        do {
            _ = try await sandbox.run("""
                - hosts: all
                  tasks:
                    - name: broken
                      shell: "echo {{ not_defined }}"
                """, transport: transport)
            XCTFail("expected an error")
        } catch let error as RunSetupError {
            guard case .invalid(let errors) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(errors.first?.message, "task 'broken' uses undefined variable 'not_defined'")
        }
        XCTAssertEqual(transport.commands.count, 0)
        XCTAssertEqual(transport.connectionCounts, [:])
    }
}
