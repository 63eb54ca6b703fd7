import XCTest
@testable import FleetCore

/// Every kind of playbook mistake, one fixture file each under `Fixtures/playbook/errors/`,
/// with the exact text a user sees from `fleet check` (`file:line:col: error: ...` and hint).
final class PlaybookErrorsTests: XCTestCase {
    private func assertErrors(_ name: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let path = PlaybookFixtures.path("errors/\(name)")
        let texts = try PlaybookFixtures.errorTexts("errors/\(name)")
        XCTAssertEqual(texts, expected.map { "\(path):" + $0.replacingOccurrences(of: "$FILE", with: path) },
                       file: file, line: line)
    }

    private static let taskKeys = "shell, command, script, copy, template, fetch, wait_for, name, when, creates, removes, unless, "
        + "register, capture, retries, delay, until, timeout, ignore_errors, run_once, become, changed_when, failed_when"

    // MARK: Parsing

    func testUnknownPlayKey() throws {
        try assertErrors("unknown-play-key.yml", [
            "3:3: error: unknown key 'task' in play 'Prepare' (did you mean 'tasks'?)\n"
                + "  hint: valid keys: name, hosts, vars, serial, max_fail_percentage, become, strategy, tasks",
        ])
    }

    func testMissingHosts() throws {
        try assertErrors("missing-hosts.yml", [
            "1:3: error: play 'No hosts here' has no 'hosts'\n  hint: add 'hosts: PATTERN' (a group, a host, 'all', ...)",
        ])
    }

    func testUnknownTaskKeySuggestsTheKeyword() throws {
        try assertErrors("unknown-task-key.yml", [
            "5:7: error: unknown key 'captur' in task 'token' (did you mean 'capture'?)\n  hint: valid keys: \(Self.taskKeys)",
        ])
    }

    func testTwoActionsPointAtTheSecond() throws {
        try assertErrors("two-actions.yml", [
            "5:7: error: task 'both' has two actions, 'shell' and 'command'\n  hint: a task does one thing: split it into two tasks",
        ])
    }

    func testNoAction() throws {
        try assertErrors("no-action.yml", [
            "3:7: error: task 'nothing to do' has no action\n  hint: add one of: shell, command, script, copy, template, fetch, wait_for",
        ])
    }

    func testWrongType() throws {
        try assertErrors("wrong-type.yml", ["5:16: error: 'retries' must be a whole number, found 'many'"])
    }

    func testNegativeTimeout() throws {
        try assertErrors("wrong-timeout.yml", [
            "4:16: error: 'timeout' must be a positive number of seconds or a duration like 30s, 90m, 23h, 2d or 1h30m, found '-1'",
        ])
    }

    func testBadSerial() throws {
        try assertErrors("bad-serial.yml", [
            "2:15: error: 'serial' must be a number of hosts (at least 1) or a percentage like 30%, found '150%'\n"
                + "  hint: a list gives growing batches: serial: [1, 50%]",
        ])
    }

    func testBadTTL() throws {
        try assertErrors("bad-ttl.yml", [
            "4:41: error: 'ttl' must be a positive number of seconds or a duration like 30s, 90m, 23h, 2d or 1h30m, found 'soon'",
        ])
    }

    func testBadRegex() throws {
        try assertErrors("bad-regex.yml", [
            "6:16: error: 'regex' is not a valid regular expression: '^(kubeadm join .+$'\n"
                + "  hint: the first group, or the whole match when there is none, becomes the value",
        ])
    }

    func testBadTemplateSyntaxPointsInsideTheQuotedValue() throws {
        try assertErrors("bad-template.yml", ["4:35: error: expected a filter name after '|', found end of expression"])
    }

    func testBadMode() throws {
        try assertErrors("bad-mode.yml", [
            "3:49: error: 'mode' must be an octal file mode like '0644', found '0855'\n  hint: quote it to be safe: mode: \"0644\"",
        ])
    }

    // MARK: Checking against the inventory

    func testUndefinedVariables() throws {
        let hint = "\n  hint: define it in the inventory, the play's vars, an earlier register or capture, or -e; "
            + "or guard it with '| default(...)' or 'is defined'"
        try assertErrors("undefined-variable.yml", [
            "6:14: error: task 'install cni' uses undefined variable 'cni_verison' (did you mean 'cni_version'?)" + hint,
            "8:14: error: task 'label' uses undefined variable 'node_role' on k8s-master" + hint,
        ])
    }

    func testCaptureReadBeforeItIsProduced() throws {
        try assertErrors("capture-without-producer.yml", [
            "5:15: error: task 'join' reads hosts['k8s-master'].join_command, but no earlier task captures join_command on k8s-master\n"
                + "  hint: task 'token' at $FILE:9:7 captures join_command, but runs later",
        ])
    }

    func testPatternMatchingNothing() throws {
        try assertErrors("pattern-matches-nothing.yml", [
            "1:3: error: host pattern 'wrokers' matches no host\n  hint: known groups: all, masters, workers, cluster",
        ])
    }

    func testMissingLocalSource() throws {
        try assertErrors("missing-src.yml", [
            "4:20: error: task 'upload config': copy source 'files/missing.conf' does not exist\n"
                + "  hint: local paths are relative to the playbook's folder, \(PlaybookFixtures.path("errors"))",
        ])
    }
}
