@testable import FleetCore
import XCTest

/// creates/removes/unless in one round trip, and the checksum copy and fetch rely on.
final class ActionGuardTests: XCTestCase {
    func testEachGuardGivesItsReason() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host)
        let present = host.path("present")
        try ActionFixtures.write("", to: present)
        let absent = host.path("absent")
        var reason = try await ActionExecutor.skipReason(creates: present, removes: nil, unless: nil, context: context)
        XCTAssertEqual(reason, "creates \(present) exists")
        reason = try await ActionExecutor.skipReason(creates: absent, removes: nil, unless: nil, context: context)
        XCTAssertNil(reason)
        reason = try await ActionExecutor.skipReason(creates: nil, removes: absent, unless: nil, context: context)
        XCTAssertEqual(reason, "removes \(absent) is absent")
        reason = try await ActionExecutor.skipReason(creates: nil, removes: nil, unless: "grep -q x '\(present)' # it's empty", context: context)
        XCTAssertNil(reason)
        reason = try await ActionExecutor.skipReason(creates: nil, removes: nil, unless: "echo fleet-guard:creates; test \"$(echo 'a b')\" = 'a b'", context: context)
        XCTAssertEqual(reason, "unless command succeeded")
    }

    func testAllGuardsCostOneCommandAndNoneCostsNothing() async throws {
        let host = try FakeHost()
        let context = try ActionFixtures.context(host, become: true)
        let reason = try await ActionExecutor.skipReason(creates: host.path("a b"), removes: host.root, unless: "false", context: context)
        XCTAssertNil(reason)
        let none = try await ActionExecutor.skipReason(creates: nil, removes: nil, unless: nil, context: context)
        XCTAssertNil(none)
        let commands = await host.commands
        XCTAssertEqual(commands.count, 1)
        XCTAssertEqual(commands.first?.become, true)
    }

    func testRefusedSudoIsAnErrorNotARun() async throws {
        let host = try FakeHost()
        await host.setRefuseBecome(true)
        let context = try ActionFixtures.context(host, become: true)
        do {
            _ = try await ActionExecutor.skipReason(creates: "/etc/x", removes: nil, unless: nil, context: context)
            XCTFail("expected an error")
        } catch let error as ActionError {
            XCTAssertEqual(error.localizedDescription,
                           "web1: unexpected reply to the creates/removes/unless check: sudo: a password is required")
        }
    }

    func testSHA256MatchesSha256sum() throws {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let bytes = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        let host = try FakeHost()
        let path = host.path("blob")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(SHA256.hex(bytes), String(try FakeHost.shell("sha256sum \(path)").stdoutText.prefix(64)))
    }
}
