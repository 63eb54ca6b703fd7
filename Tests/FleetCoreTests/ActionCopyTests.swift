import FleetCore
import XCTest

/// copy and template: idempotence, modes, owners, folders, become, check mode.
final class ActionCopyTests: XCTestCase {
    private func copy(content: String, to dest: String, mode: String? = nil, owner: String? = nil) throws -> Action {
        .copy(CopySpec(content: try ActionFixtures.template(content), dest: try ActionFixtures.template(dest), mode: mode,
                       owner: try owner.map(ActionFixtures.template)))
    }

    func testCopyTwiceIsChangedThenOk() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let dest = host.path("motd")
        let action = try copy(content: "hello\n", to: dest)
        let first = try await ActionExecutor.run(action, context: context)
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first.summary, "copied 6 B to \(dest) (changed)")
        XCTAssertEqual(ActionFixtures.read(dest), "hello\n")
        XCTAssertEqual(try ActionFixtures.mode(dest), 0o644)
        let second = try await ActionExecutor.run(action, context: context)
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second.result.exitCode, 0)
        XCTAssertEqual(second.summary, "6 B at \(dest) (ok)")
        let uploads = await host.uploads
        XCTAssertEqual(uploads.count, 1, "the second run must not upload")
        let commands = await host.commands
        XCTAssertEqual(commands.count, 2, "one probe per run")
    }

    func testModeOnlyChangeIsChangedWithoutUpload() async throws {
        let host = try FakeHost()
        let dest = host.path("conf")
        try ActionFixtures.write("same\n", to: dest, mode: 0o644)
        let outcome = try await ActionExecutor.run(try copy(content: "same\n", to: dest, mode: "0600"),
                                                   context: try ActionFixtures.context(host))
        XCTAssertTrue(outcome.changed)
        XCTAssertEqual(outcome.summary, "set mode 0600 of \(dest) (changed)")
        XCTAssertEqual(try ActionFixtures.mode(dest), 0o600)
        let uploads = await host.uploads
        XCTAssertTrue(uploads.isEmpty)
    }

    func testNewContentKeepsTheExistingModeWhenNoneIsGiven() async throws {
        let host = try FakeHost()
        let dest = host.path("run.sh")
        try ActionFixtures.write("old\n", to: dest, mode: 0o750)
        let outcome = try await ActionExecutor.run(try copy(content: "new\n", to: dest), context: try ActionFixtures.context(host))
        XCTAssertTrue(outcome.changed)
        XCTAssertEqual(ActionFixtures.read(dest), "new\n")
        XCTAssertEqual(try ActionFixtures.mode(dest), 0o750)
    }

    func testMissingFolderFailsWithoutUploading() async throws {
        let host = try FakeHost()
        let dest = host.path("no/such/file")
        let outcome = try await ActionExecutor.run(try copy(content: "x", to: dest), context: try ActionFixtures.context(host))
        XCTAssertEqual(outcome.result.exitCode, 1)
        XCTAssertFalse(outcome.changed)
        XCTAssertEqual(outcome.result.stderrText, "cannot copy to \(dest): folder \(host.path("no/such")) does not exist\n")
        let uploads = await host.uploads
        XCTAssertTrue(uploads.isEmpty)
    }

    func testTemplateRendersTheLocalFileWithTheHostsVariables() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host, variables: ["port": .int(6443), "name": .string("master")])
        try ActionFixtures.write("server={{ name }}:{{ port }}\n", to: context.playbookDirectory + "/kubelet.j2")
        let dest = host.path("kubelet")
        let action = Action.template(CopySpec(src: try ActionFixtures.template("kubelet.j2"), dest: try ActionFixtures.template(dest)))
        let first = try await ActionExecutor.run(action, context: context)
        XCTAssertTrue(first.changed)
        XCTAssertEqual(ActionFixtures.read(dest), "server=master:6443\n")
        let second = try await ActionExecutor.run(action, context: context)
        XCTAssertFalse(second.changed)
    }

    func testTemplateErrorsPointIntoTheTemplateFile() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        try ActionFixtures.write("line one\nvalue={{ nope }}\n", to: context.playbookDirectory + "/bad.j2")
        let action = Action.template(CopySpec(src: try ActionFixtures.template("bad.j2"), dest: try ActionFixtures.template(host.path("x"))))
        do {
            _ = try await ActionExecutor.run(action, context: context)
            XCTFail("expected a template error")
        } catch let error as TemplateError {
            XCTAssertTrue(error.localizedDescription.hasPrefix(context.playbookDirectory + "/bad.j2:2:"), error.localizedDescription)
        }
    }

    func testBinarySourceIsCopiedByteForByteIntoAFolder() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: context.playbookDirectory + "/blob.bin"))
        let action = Action.copy(CopySpec(src: try ActionFixtures.template("blob.bin"), dest: try ActionFixtures.template(host.root + "/")))
        let outcome = try await ActionExecutor.run(action, context: context)
        XCTAssertTrue(outcome.changed, outcome.summary)
        XCTAssertEqual(FileManager.default.contents(atPath: host.path("blob.bin")).map([UInt8].init), bytes)
        let again = try await ActionExecutor.run(action, context: context)
        XCTAssertFalse(again.changed, again.summary)
    }

    func testBecomeStagesInTmpAndInstallsWithOwner() async throws {
        let host = try FakeHost()
        let dest = host.path("owned")
        try ActionFixtures.write("old\n", to: dest, mode: 0o640)
        _ = try FakeHost.shell("chown nobody \(dest)")
        let context = try ActionFixtures.context(host, become: true)
        let outcome = try await ActionExecutor.run(try copy(content: "new\n", to: dest, owner: "root:root"), context: context)
        XCTAssertTrue(outcome.changed, outcome.summary)
        XCTAssertEqual(ActionFixtures.read(dest), "new\n")
        XCTAssertEqual(try FakeHost.shell("stat -c '%a %U:%G' \(dest)").stdoutText, "640 root:root\n")
        let uploads = await host.uploads
        let staged = try XCTUnwrap(uploads.first?.path)
        XCTAssertTrue(staged.hasPrefix("/tmp/.fleet-upload-"), staged)
        XCTAssertFalse(FileManager.default.fileExists(atPath: staged))
        let commands = await host.commands
        XCTAssertTrue(commands.allSatisfy(\.become))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: host.root)
        XCTAssertEqual(leftovers, ["owned"])
        let again = try await ActionExecutor.run(try copy(content: "new\n", to: dest, owner: "root"), context: context)
        XCTAssertFalse(again.changed, again.summary)
    }

    func testOwnerOnlyChange() async throws {
        let host = try FakeHost()
        let dest = host.path("f")
        try ActionFixtures.write("x", to: dest)
        let outcome = try await ActionExecutor.run(try copy(content: "x", to: dest, owner: "nobody"), context: try ActionFixtures.context(host))
        XCTAssertTrue(outcome.changed)
        XCTAssertEqual(outcome.summary, "set owner of \(dest) (changed)")
        XCTAssertEqual(try FakeHost.shell("stat -c %U \(dest)").stdoutText, "nobody\n")
    }

    func testPlanReadsButNeverWrites() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let dest = host.path("planned")
        let action = try copy(content: "abc", to: dest)
        let absent = try await ActionExecutor.plan(action, context: context)
        XCTAssertEqual(absent, ["would copy 3 bytes to \(dest) (changed)"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dest))
        try ActionFixtures.write("abc", to: dest)
        let same = try await ActionExecutor.plan(action, context: context)
        XCTAssertEqual(same, ["would copy 3 bytes to \(dest) (unchanged)"])
        let missing = try await ActionExecutor.plan(try copy(content: "abc", to: host.path("gone/x")), context: context)
        XCTAssertEqual(missing, ["would copy 3 bytes to \(host.path("gone/x")) (changed; folder \(host.path("gone")) does not exist yet: "
                                 + "the copy fails unless an earlier task creates it)"])
        let uploads = await host.uploads
        XCTAssertTrue(uploads.isEmpty)
    }
}
