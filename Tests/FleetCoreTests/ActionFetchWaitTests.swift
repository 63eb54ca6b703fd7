import FleetCore
import XCTest

/// fetch layout and idempotence, wait_for's one-command polling loop.
final class ActionFetchWaitTests: XCTestCase {
    func testFetchUsesTheAnsibleLayoutAndSkipsUnchangedFiles() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let remote = host.path("etc/hostname")
        try FileManager.default.createDirectory(atPath: host.path("etc"), withIntermediateDirectories: true)
        try ActionFixtures.write("web1\n", to: remote)
        let action = Action.fetch(src: try ActionFixtures.template(remote), dest: try ActionFixtures.template("fetched"))
        let local = context.playbookDirectory + "/fetched/web1" + remote
        let plan = try await ActionExecutor.plan(action, context: context)
        XCTAssertEqual(plan, ["would fetch \(remote) to \(local)"])

        let first = try await ActionExecutor.run(action, context: context)
        XCTAssertTrue(first.changed, first.summary)
        XCTAssertEqual(ActionFixtures.read(local), "web1\n")
        let second = try await ActionExecutor.run(action, context: context)
        XCTAssertFalse(second.changed, second.summary)
        var downloads = await host.downloads
        XCTAssertEqual(downloads.count, 1, "an unchanged file is compared by checksum, not downloaded")

        try ActionFixtures.write("web1.example\n", to: remote)
        let third = try await ActionExecutor.run(action, context: context)
        XCTAssertTrue(third.changed)
        XCTAssertEqual(ActionFixtures.read(local), "web1.example\n")
        downloads = await host.downloads
        XCTAssertEqual(downloads.count, 2)
    }

    func testFetchOfAMissingFileFailsTheTask() async throws {
        let host = try FakeHost()
        let action = Action.fetch(src: try ActionFixtures.template(host.path("nope")), dest: try ActionFixtures.template("out"))
        let outcome = try await ActionExecutor.run(action, context: try ActionFixtures.context(host))
        XCTAssertEqual(outcome.result.exitCode, 1)
        XCTAssertTrue(outcome.summary.hasPrefix("cannot fetch \(host.path("nope"))"), outcome.summary)
    }

    func testFetchRefusesRelativeAndClimbingSources() async throws {
        let host = try FakeHost()
        for src in ["etc/passwd", "/etc/../../x"] {
            let action = Action.fetch(src: try ActionFixtures.template(src), dest: try ActionFixtures.template("out"))
            do {
                _ = try await ActionExecutor.run(action, context: try ActionFixtures.context(host))
                XCTFail("expected an input error for \(src)")
            } catch let error as InputError {
                XCTAssertTrue(error.message.contains(src), error.message)
            }
        }
    }

    func testWaitForPathPollsInOneCommand() async throws {
        let host = try FakeHost()
        let flag = host.path("ready")
        _ = try FakeHost.shell("(sleep 1; touch \(flag)) >/dev/null 2>&1 &")
        let action = Action.waitFor(WaitForSpec(path: try ActionFixtures.template(flag), timeout: 10, interval: 0.2))
        let outcome = try await ActionExecutor.run(action, context: try ActionFixtures.context(host))
        XCTAssertEqual(outcome.result.exitCode, 0, outcome.result.stderrText)
        XCTAssertFalse(outcome.changed)
        XCTAssertTrue(outcome.summary.hasPrefix("path \(flag) ready after "), outcome.summary)
        let commands = await host.commands
        XCTAssertEqual(commands.count, 1)
        XCTAssertGreaterThan(try XCTUnwrap(commands.first?.timeout), 10)
    }

    func testWaitForTimeoutSaysWhatAndHowLong() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let command = Action.waitFor(WaitForSpec(command: try ActionFixtures.template("test -e \(host.path("never"))"), timeout: 1, interval: 0.3))
        let start = Date()
        let outcome = try await ActionExecutor.run(command, context: context)
        XCTAssertEqual(outcome.result.exitCode, 1)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 1, "gave up before the timeout")
        XCTAssertEqual(outcome.summary, "timed out after 1s waiting for command `test -e \(host.path("never"))`")

        let port = Action.waitFor(WaitForSpec(port: 1, timeout: 1, interval: 0.3))
        let closed = try await ActionExecutor.run(port, context: context)
        XCTAssertEqual(closed.result.stderrText, "timed out after 1s waiting for port 1 on 127.0.0.1\n")
        let plan = try await ActionExecutor.plan(.waitFor(WaitForSpec(port: 6443, timeout: 300)), context: context)
        XCTAssertEqual(plan, ["would wait for port 6443 on 127.0.0.1 (300s)"])
    }
}
