import Foundation
import XCTest
@testable import FleetLab

/// Naming and addressing rules that keep labs apart and inside kernel limits.
final class LabLayoutTests: XCTestCase {
    func testIdIsStablePerDirectoryAndDiffersBetweenDirectories() {
        let id = LabLayout.id(for: URL(fileURLWithPath: "/tmp/a/.fleet/lab"))
        XCTAssertEqual(id, LabLayout.id(for: URL(fileURLWithPath: "/tmp/a/.fleet/../.fleet/lab")))
        XCTAssertNotEqual(id, LabLayout.id(for: URL(fileURLWithPath: "/tmp/b/.fleet/lab")))
        XCTAssertEqual(id.count, 6)
        XCTAssertTrue(id.allSatisfy(\.isHexDigit))
    }

    func testInterfaceNamesFitTheKernelLimitForTheLargestLab() {
        let layout = LabLayout(id: "abcdef", block: 63)
        XCTAssertLessThanOrEqual(layout.bridge.count, 15)
        XCTAssertLessThanOrEqual(layout.veth(LabLayout.maxHosts - 1).count, 15)
    }

    func testHostMACIsLocallyAdministeredAndFixedPerLabAndIndex() {
        let layout = LabLayout(id: "abcdef", block: 5)
        XCTAssertEqual(layout.hostMAC(999), "02:ab:cd:ef:03:e7")
        XCTAssertNotEqual(layout.hostMAC(1), LabLayout(id: "abcdee", block: 5).hostMAC(1))
    }

    func testAddressesStayInsideTheLabsOwnSubnet() throws {
        let layout = LabLayout(id: "abcdef", block: 5)
        XCTAssertEqual(layout.subnet, "10.213.20.0/22")
        XCTAssertEqual(layout.bridgeAddress, "10.213.20.1")
        XCTAssertEqual(layout.hostAddress(0), "10.213.20.10")
        XCTAssertEqual(layout.hostAddress(LabLayout.maxHosts - 1), "10.213.23.241")
        XCTAssertEqual(layout.hostAddress6(0), "fd66:6c65:6574:5::a")
        let subnet = try XCTUnwrap(IPv4Network(layout.subnet))
        for address in [layout.unreachableAddress, layout.hostAddress(LabLayout.maxHosts - 1)] {
            XCTAssertTrue(subnet.overlaps(try XCTUnwrap(IPv4Network(address))))
        }
        XCTAssertFalse(subnet.overlaps(try XCTUnwrap(IPv4Network("10.213.24.0/22"))))
    }

    func testFreeBlockSkipsRoutesThatOverlap() {
        let id = "000005" // prefers block 5 = 10.213.20.0/22
        XCTAssertEqual(LabLayout.freeBlock(for: id, avoiding: ["default", "192.0.2.0/24"]), 5)
        XCTAssertEqual(LabLayout.freeBlock(for: id, avoiding: ["10.213.21.7"]), 6)
        XCTAssertEqual(LabLayout.freeBlock(for: id, avoiding: ["10.213.16.0/21", "10.213.24.0/22"]), 7)
        XCTAssertNil(LabLayout.freeBlock(for: id, avoiding: ["10.0.0.0/8"]))
    }
}
