import FleetConnect
import FleetCore
import Foundation
import XCTest

/// Task actions over real SSH on a lab host: what a playbook run really does to a machine.
final class ActionLabTests: XCTestCase {
    private var transport: SSHTransport!
    private var connection: HostConnection!
    private var host: FleetCore.Host!
    private var playbookDirectory: String!
    /// Commands that remove what a test made on the host, run in `tearDown`.
    private var cleanup: [RemoteCommand] = []

    override func setUp() async throws {
        host = try XCTUnwrap(LabHosts.hosts(count: 1).first)
        transport = LabHosts.transport()
        connection = try await transport.connection(to: host)
        playbookDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-actions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: playbookDirectory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        for command in cleanup { _ = try? await connection?.run(command) }
        await transport?.shutdown()
        if let playbookDirectory { try? FileManager.default.removeItem(atPath: playbookDirectory) }
    }

    private func context(_ variables: [String: VariableValue] = [:], become: Bool = false) -> ActionContext {
        ActionContext(host: host, connection: connection, scope: DictionaryScope(variables),
                      playbookDirectory: playbookDirectory, become: become, timeout: 60)
    }

    /// The local file's digest as `sha256sum` prints it.
    private static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(output.prefix(64))
    }

    private func template(_ text: String) throws -> Template {
        try Template(parsing: text, location: SourceLocation(file: "lab.yml", line: 1, column: 1))
    }

    @discardableResult
    private func remote(_ command: String, become: Bool = false) async throws -> String {
        let result = try await connection.run(RemoteCommand(command, timeout: 30, become: become))
        XCTAssertTrue(result.succeeded, "\(command): \(result.statusText) \(result.stderrText)")
        return result.stdoutText
    }

    func testCopyAndTemplateAreIdempotentOnARealHost() async throws {
        let dest = LabHosts.uniqueRemotePath("copy")
        cleanup.append(RemoteCommand("rm -f \(dest) \(dest).t"))
        let copy = Action.copy(CopySpec(content: try template("name={{ name }}\n"), dest: try template(dest), mode: "0640"))
        let vars: [String: VariableValue] = ["name": .string("lab")]
        let first = try await ActionExecutor.run(copy, context: context(vars))
        XCTAssertTrue(first.changed, first.summary)
        let second = try await ActionExecutor.run(copy, context: context(vars))
        XCTAssertFalse(second.changed, second.summary)
        let content = try await remote("cat \(dest)")
        XCTAssertEqual(content, "name=lab\n")
        let mode = try await remote("stat -c '%a %U' \(dest)")
        XCTAssertEqual(mode, "640 \(host.user ?? "")\n")

        try Data("host={{ inventory_hostname }} port={{ port }}\n".utf8).write(to: URL(fileURLWithPath: playbookDirectory + "/conf.j2"))
        let rendered = Action.template(CopySpec(src: try template("conf.j2"), dest: try template(dest + ".t")))
        let tvars: [String: VariableValue] = ["inventory_hostname": .string(host.name), "port": .int(6443)]
        let made = try await ActionExecutor.run(rendered, context: context(tvars))
        XCTAssertTrue(made.changed, made.summary)
        let again = try await ActionExecutor.run(rendered, context: context(tvars))
        XCTAssertFalse(again.changed, again.summary)
        let text = try await remote("cat \(dest).t; stat -c %a \(dest).t")
        XCTAssertEqual(text, "host=\(host.name) port=6443\n644\n")
    }

    func testCopyWithBecomeToARootOwnedFolder() async throws {
        let dest = "/etc/fleet-test-\(UUID().uuidString)"
        cleanup.append(RemoteCommand("rm -f \(dest)", become: true))
        let action = Action.copy(CopySpec(content: try template("root only\n"), dest: try template(dest), mode: "0600",
                                          owner: try template("root:root")))
        let plain = try await ActionExecutor.run(action, context: context())
        XCTAssertNotEqual(plain.result.exitCode, 0, "the login user must not be able to write /etc: \(plain.summary)")
        let first = try await ActionExecutor.run(action, context: context(become: true))
        XCTAssertTrue(first.changed, first.summary)
        XCTAssertEqual(first.result.exitCode, 0, first.result.stderrText)
        let second = try await ActionExecutor.run(action, context: context(become: true))
        XCTAssertFalse(second.changed, second.summary)
        let state = try await remote("cat \(dest); stat -c '%a %U:%G' \(dest)", become: true)
        XCTAssertEqual(state, "root only\n600 root:root\n")
        let staged = try await remote("ls /tmp/.fleet-upload-* /etc/.fleet-* 2>/dev/null | wc -l")
        XCTAssertEqual(staged.trimmingCharacters(in: .whitespacesAndNewlines), "0", "temporary files left behind")
    }

    func testFetchOfARealFileMatchesItsChecksum() async throws {
        let source = LabHosts.uniqueRemotePath("fetch")
        cleanup.append(RemoteCommand("rm -f \(source)"))
        let remoteSum = try await remote("head -c 300000 /dev/urandom > \(source) && sha256sum < \(source)")
        let action = Action.fetch(src: try template(source), dest: try template("fetched"))
        let first = try await ActionExecutor.run(action, context: context())
        XCTAssertTrue(first.changed, first.summary)
        let local = playbookDirectory + "/fetched/" + host.name + source
        XCTAssertEqual(try Self.sha256sum(local), String(remoteSum.prefix(64)))
        let second = try await ActionExecutor.run(action, context: context())
        XCTAssertFalse(second.changed, second.summary)
    }

    /// A root-only file: SFTP (the login user) cannot read it; with `become` it streams to
    /// disk as the output of `sudo cat`, and a failing `sudo cat` leaves nothing behind.
    func testFetchWithBecomeReadsARootOnlyFile() async throws {
        let source = "/etc/fleet-fetch-\(UUID().uuidString)"
        cleanup.append(RemoteCommand("rm -f \(source)", become: true))
        let remoteSum = try await remote("head -c 2000000 /dev/urandom > \(source) && chmod 600 \(source) && sha256sum < \(source)",
                                         become: true)
        let action = Action.fetch(src: try template(source), dest: try template("fetched"))
        let local = playbookDirectory + "/fetched/" + host.name + source
        let plain = try await ActionExecutor.run(action, context: context())
        XCTAssertTrue(plain.summary.hasPrefix("cannot fetch \(source): "), plain.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: local))

        let fetched = try await ActionExecutor.run(action, context: context(become: true))
        XCTAssertTrue(fetched.changed, fetched.summary)
        XCTAssertEqual(fetched.summary, "fetched 1.9 MB from \(source) to \(local) (changed)")
        XCTAssertEqual(try Self.sha256sum(local), String(remoteSum.prefix(64)))
        let again = try await ActionExecutor.run(action, context: context(become: true))
        XCTAssertFalse(again.changed, again.summary)

        let missing = Action.fetch(src: try template(source + ".missing"), dest: try template("fetched"))
        let failed = try await ActionExecutor.run(missing, context: context(become: true))
        XCTAssertTrue(failed.summary.contains("No such file or directory"), failed.summary)
        let folder = URL(fileURLWithPath: local).deletingLastPathComponent().path
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [URL(fileURLWithPath: local).lastPathComponent],
                       "a failed fetch left a file behind")
    }

    func testWaitForAPortThatOpensAfterTwoSeconds() async throws {
        let port = Int.random(in: 20_000...40_000)
        let listener = "import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            + "s.bind(('127.0.0.1', \(port))); s.listen(5); s.settimeout(30); s.accept()"
        let start = Date()
        try await remote("(sleep 2; exec timeout 30 python3 -c \(ShellQuoting.quote(listener))) </dev/null >/dev/null 2>&1 &")
        let action = Action.waitFor(WaitForSpec(port: port, timeout: 20, interval: 0.5))
        let outcome = try await ActionExecutor.run(action, context: context())
        XCTAssertEqual(outcome.result.exitCode, 0, outcome.result.stderrText)
        XCTAssertTrue(outcome.summary.hasPrefix("port \(port) on 127.0.0.1 ready after "), outcome.summary)
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 1.9)
    }

    func testWaitForTimesOutWithWhatAndHowLong() async throws {
        let path = LabHosts.uniqueRemotePath("never")
        let start = Date()
        let outcome = try await ActionExecutor.run(.waitFor(WaitForSpec(path: try template(path), timeout: 2, interval: 0.5)),
                                                   context: context())
        XCTAssertEqual(outcome.result.exitCode, 1)
        XCTAssertEqual(outcome.result.stderrText, "timed out after 2s waiting for path \(path)\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 2)
    }

    func testScriptRunsWithArgumentsAsRootAndIsRemoved() async throws {
        try Data("#!/bin/sh\necho \"$0\"\necho \"$(id -un) $# [$1] [$2]\"\n".utf8)
            .write(to: URL(fileURLWithPath: playbookDirectory + "/who.sh"))
        let action = Action.script(path: try template("who.sh"), args: try template("one 'two words'"))
        let outcome = try await ActionExecutor.run(action, context: context(become: true))
        XCTAssertEqual(outcome.result.exitCode, 0, outcome.result.stderrText)
        let lines = outcome.result.stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, outcome.result.stdoutText)
        XCTAssertEqual(lines.last, "root 2 [one] [two words]")
        let scriptPath = try XCTUnwrap(lines.first)
        XCTAssertTrue(scriptPath.hasPrefix("/tmp/.fleet-script-"), scriptPath)
        let left = try await remote("test -e \(scriptPath) && echo present || echo gone")
        XCTAssertEqual(left, "gone\n")
    }

    func testCommandQuotingAndGuardsOnARealHost() async throws {
        let words = try ["printf", "[%s]", "a b", "$HOME", "x;id", "*", "it's"].map(template)
        let outcome = try await ActionExecutor.run(.command(words), context: context())
        XCTAssertEqual(outcome.result.stdoutText, "[a b][$HOME][x;id][*][it's]")
        let skip = try await ActionExecutor.skipReason(creates: "/etc/hostname", removes: nil, unless: nil, context: context(become: true))
        XCTAssertEqual(skip, "creates /etc/hostname exists")
        let run = try await ActionExecutor.skipReason(creates: LabHosts.uniqueRemotePath("none"), removes: "/etc/hostname",
                                                      unless: "test \"$(id -un)\" = nobody", context: context())
        XCTAssertNil(run)
    }
}
