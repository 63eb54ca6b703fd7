import XCTest
@testable import FleetCore

/// The text, graph and JSON renderings used by `fleet inventory`.
final class InventoryRenderingTests: XCTestCase {
    private let text = """
        [masters]
        m1 ansible_host=10.0.0.1 ansible_user=root
        [workers]
        w1 ansible_port=2200 tier=2
        w2
        [workers:vars]
        role=worker
        [cluster:children]
        masters
        workers
        """

    private func inventory() throws -> Inventory {
        try Inventory.parse(text: text, path: "/tmp/inv/hosts.ini")
    }

    func testJSON() throws {
        let inventory = try inventory()
        let json = InventoryJSON.render(try inventory.select("m1:w1"), of: inventory)
        XCTAssertEqual(json, """
            {
              "groups": {
                "all": [
                  "m1",
                  "w1"
                ],
                "cluster": [
                  "m1",
                  "w1"
                ],
                "masters": [
                  "m1"
                ],
                "workers": [
                  "w1"
                ]
              },
              "hosts": {
                "m1": {
                  "address": "10.0.0.1",
                  "groups": [
                    "masters",
                    "cluster"
                  ],
                  "port": 22,
                  "user": "root",
                  "vars": {}
                },
                "w1": {
                  "address": "w1",
                  "groups": [
                    "workers",
                    "cluster"
                  ],
                  "port": 2200,
                  "user": null,
                  "vars": {
                    "role": "worker",
                    "tier": 2
                  }
                }
              }
            }

            """)
        // It is valid JSON too.
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    func testJSONEscapesStrings() {
        XCTAssertEqual(InventoryJSON.quoted("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"")
    }

    func testGraph() throws {
        XCTAssertEqual(InventoryGraph.render(try inventory()), """
            @all:
              |--@cluster:
              |  |--@masters:
              |  |  |--m1
              |  |--@workers:
              |  |  |--w1
              |  |  |--w2

            """)
        XCTAssertEqual(InventoryGraph.render(try inventory(), root: "workers"), "@workers:\n  |--w1\n  |--w2\n")
        XCTAssertEqual(InventoryGraph.render(try inventory(), only: ["w2"]), """
            @all:
              |--@cluster:
              |  |--@workers:
              |  |  |--w2

            """)
    }

    func testListing() throws {
        let inventory = try inventory()
        XCTAssertEqual(InventoryListing.render(try inventory.select("w1")), """
            w1 w1:2200
              user: (current user)
              groups: workers, cluster
              vars:
                role: worker
                tier: 2

            """)
    }
}
