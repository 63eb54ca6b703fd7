import FleetCore
import XCTest

/// shell, command and script against a host whose commands really run in a local shell.
final class ActionCommandTests: XCTestCase {
    func testShellRunsRenderedTextThroughTheShell() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host, variables: ["name": .string("fleet")], become: true)
        let outcome = try await ActionExecutor.run(.shell(ActionFixtures.template("echo {{ name }} && echo $((2+3))")), context: context)
        XCTAssertEqual(outcome.result.stdoutText, "fleet\n5\n")
        XCTAssertTrue(outcome.changed)
        XCTAssertEqual(outcome.summary, "echo fleet && echo $((2+3))")
        let commands = await host.commands
        XCTAssertEqual(commands, [RemoteCommand("echo fleet && echo $((2+3))", timeout: 30, become: true)])
    }

    func testCommandWordsArriveLiterally() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host, variables: ["spaced": .string("a b")])
        let words = try ["printf", "%s|", "{{ spaced }}", "$HOME", "x; echo injected", "*", "it's"].map(ActionFixtures.template)
        let outcome = try await ActionExecutor.run(.command(words), context: context)
        XCTAssertEqual(outcome.result.stdoutText, "a b|$HOME|x; echo injected|*|it's|")
        XCTAssertEqual(outcome.summary, #"printf '%s|' 'a b' '$HOME' 'x; echo injected' '*' 'it'"'"'s'"#)
        let plan = try await ActionExecutor.plan(.command(words), context: context)
        XCTAssertEqual(plan, [outcome.summary])
    }

    func testNonZeroExitIsAnOutcomeNotAnError() async throws {
        let host = try FakeHost()
        let outcome = try await ActionExecutor.run(.shell(ActionFixtures.template("echo oops >&2; exit 4")),
                                                   context: try ActionFixtures.context(host))
        XCTAssertEqual(outcome.result.exitCode, 4)
        XCTAssertEqual(outcome.result.stderrText, "oops\n")
    }

    func testUndefinedVariableIsThrownBeforeAnythingRuns() async throws {
        let host = try FakeHost()
        do {
            _ = try await ActionExecutor.run(.shell(ActionFixtures.template("echo {{ missing }}")), context: try ActionFixtures.context(host))
            XCTFail("expected a template error")
        } catch let error as TemplateError {
            XCTAssertTrue(error.localizedDescription.contains("missing"), error.localizedDescription)
        }
        let commands = await host.commands
        XCTAssertTrue(commands.isEmpty)
    }

    func testScriptRunsWithArgumentsAndIsRemovedWhateverItExitsWith() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host, variables: ["who": .string("web 1")])
        try FileManager.default.createDirectory(atPath: context.playbookDirectory + "/files", withIntermediateDirectories: true)
        try ActionFixtures.write("#!/bin/sh\necho \"args: $# [$1] [$2]\"\nexit 3\n", to: context.playbookDirectory + "/files/report.sh")
        let action = Action.script(path: try ActionFixtures.template("files/report.sh"),
                                   args: try ActionFixtures.template("first {{ who | quote }}"))
        let outcome = try await ActionExecutor.run(action, context: context)
        XCTAssertEqual(outcome.result.stdoutText, "args: 2 [first] [web 1]\n")
        XCTAssertEqual(outcome.result.exitCode, 3)
        let uploads = await host.uploads
        XCTAssertEqual(uploads.count, 1)
        XCTAssertEqual(uploads.first?.mode, 0o700)
        let remote = try XCTUnwrap(uploads.first?.path)
        XCTAssertTrue(remote.hasPrefix("/tmp/.fleet-script-"), remote)
        XCTAssertFalse(FileManager.default.fileExists(atPath: remote), "script left behind at \(remote)")
        let commands = await host.commands
        XCTAssertEqual(commands.map(\.command), ["\(remote) first 'web 1'; rc=$?; rm -f \(remote); exit $rc"])
        let plan = try await ActionExecutor.plan(action, context: context)
        XCTAssertEqual(plan, ["would run local script files/report.sh with args first 'web 1'"])
    }

    func testMissingScriptIsAnInputErrorAtTheTask() async throws {
        let host = try FakeHost()
        let action = Action.script(path: try ActionFixtures.template("files/nope.sh"), args: nil)
        do {
            _ = try await ActionExecutor.run(action, context: try ActionFixtures.context(host))
            XCTFail("expected an input error")
        } catch let error as InputError {
            XCTAssertEqual(error.location, SourceLocation(file: "play.yml", line: 3, column: 7))
            XCTAssertTrue(error.message.contains("files/nope.sh"), error.message)
        }
        let uploads = await host.uploads
        XCTAssertTrue(uploads.isEmpty)
    }
}
