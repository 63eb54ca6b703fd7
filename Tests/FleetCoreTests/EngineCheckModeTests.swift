@testable import FleetCore
import XCTest

/// `--check` when a task depends on what an earlier task would print: the task is shown with
/// its condition instead of being skipped, and probes marked `changed_when: false` stay ok.
final class EngineCheckModeTests: XCTestCase {
    func testAConditionOnAValueNotKnownInCheckModeShowsTheTaskWithTheCondition() async throws {
        let sandbox = try EngineSandbox()
        let sink = CollectingSink()
        let transport = FakeTransport()
        let summary = try await sandbox.run("""
            - hosts: masters
              tasks:
                - name: probe
                  shell: echo apt
                  register: family
                  changed_when: false
                - name: apt only
                  shell: apt-get install -y chrony
                  when: "'apt' in family.stdout"
                - name: yum only
                  shell: yum install -y chrony
                  when: family.rc == 0 and 'yum' in family.stdout
                - name: known to be false
                  shell: echo never
                  when: "'{{ inventory_hostname }}' == 'nobody'"
                - name: reads nothing
                  shell: echo hi
                  changed_when: "false"
            """, transport: transport, options: RunOptions(checkMode: true), sink: sink)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(transport.commands.map(\.command), [], "check mode ran a command")

        let probe = try XCTUnwrap(sink.result("m1", "probe"))
        XCTAssertEqual(probe.status, .ok, "changed_when: false decides in check mode too")
        XCTAssertEqual(probe.commands, ["echo apt"])
        let apt = try XCTUnwrap(sink.result("m1", "apt only"))
        XCTAssertEqual(apt.status, .changed)
        XCTAssertEqual(apt.commands, ["apt-get install -y chrony"])
        XCTAssertEqual(apt.message, "only if 'apt' in family.stdout; family.stdout is not known before the run")
        let yum = try XCTUnwrap(sink.result("m1", "yum only"))
        XCTAssertEqual(yum.commands, ["yum install -y chrony"])
        XCTAssertEqual(yum.message, "only if family.rc == 0 and 'yum' in family.stdout; family.rc is not known before the run")
        XCTAssertEqual(sink.result("m1", "known to be false")?.status, .skipped)
        XCTAssertEqual(sink.result("m1", "reads nothing")?.status, .ok)
    }

    func testTheConditionAndAMultiLineCommandAreShownUnderTheHostLine() {
        let result = RunEvent.HostResult(
            host: "k8s-node1", play: "prepare", task: "Chrony (apt)", status: .changed, rc: nil, duration: 0,
            commands: ["PATH=/x:$PATH\napt-get install -y chrony\n"], stdoutExcerpt: "", stderrExcerpt: "",
            message: "only if 'apt' in family.stdout; family.stdout is not known before the run", ignored: false, logPath: nil)
        XCTAssertEqual(HostResultText(hostWidth: 9).text(result), """
            k8s-node1  changed        0.00s  Chrony (apt) (only if 'apt' in family.stdout; family.stdout is not known before the run)
                would run: PATH=/x:$PATH
                           apt-get install -y chrony

            """)
    }
}
