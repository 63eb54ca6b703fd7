import Foundation
import XCTest
@testable import FleetLab

/// The lab other test suites share: one directory, brought up once, never shrunk.
final class SharedLabTests: XCTestCase {
    func testSharedLabIsReusedAndOnlyGrows() throws {
        try XCTSkipUnless(geteuid() == 0, "the namespace lab needs root")
        let lab = try Lab.shared(count: 2)
        XCTAssertEqual(lab.directory.path, Lab.sharedDirectory.path)
        let first = lab.status()
        XCTAssertGreaterThanOrEqual(first.count, 2)
        XCTAssertTrue(first.allSatisfy(\.alive))

        // A smaller request neither restarts nor removes hosts another suite may be using.
        let again = try Lab.shared(count: 1)
        XCTAssertEqual(again.status().map(\.pid), first.map(\.pid))
        XCTAssertTrue(FileManager.default.fileExists(atPath: again.inventoryPath.path))
        XCTAssertTrue(SSHBannerProbe.answers(first[1].host.address, port: first[1].host.port))
    }

    func testMissingToolIsNamedInTheError() {
        XCTAssertThrowsError(try ExternalCommand.locate("fleet-no-such-tool")) { error in
            XCTAssertEqual(error as? LabError, .missingTool("fleet-no-such-tool"))
            XCTAssertTrue((error as? LabError)?.errorDescription?.contains("'fleet-no-such-tool' is not installed") == true)
        }
    }

    func testFailingCommandReportsItsStatusAndStderr() {
        XCTAssertThrowsError(try ExternalCommand.runScript("echo broken >&2; exit 3")) { error in
            guard case .commandFailed(_, let status, let stderr) = error as? LabError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(status, 3)
            XCTAssertEqual(stderr, "broken")
        }
    }
}
