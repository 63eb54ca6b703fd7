import XCTest
@testable import FleetCore

/// Ansible host patterns over the ranges.ini inventory:
/// ungrouped bastion; web1-3, web-extra in web; db01, db03 in db; cache-a..c in cache;
/// backend = db + cache.
final class PatternTests: XCTestCase {
    private var inventory: Inventory!

    override func setUpWithError() throws {
        inventory = try InventoryFixtures.load("ranges.ini")
    }

    private func names(_ pattern: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try inventory.select(pattern).map(\.name)
    }

    func testAllAndStar() throws {
        let everyone = inventory.hosts.map(\.name)
        XCTAssertEqual(everyone.count, 10)
        XCTAssertEqual(try names("all"), everyone)
        XCTAssertEqual(try names("*"), everyone)
    }

    func testGroupHostAndChildren() throws {
        XCTAssertEqual(try names("db"), ["db01", "db03"])
        XCTAssertEqual(try names("backend"), ["db01", "db03", "cache-a", "cache-b", "cache-c"])
        XCTAssertEqual(try names("web2"), ["web2"])
        XCTAssertEqual(try names("ungrouped"), ["bastion"])
    }

    func testGlobs() throws {
        XCTAssertEqual(try names("web*"), ["web1", "web2", "web3", "web-extra"])
        XCTAssertEqual(try names("web?"), ["web1", "web2", "web3"])
        XCTAssertEqual(try names("cache-[ac]"), ["cache-a", "cache-c"])
        XCTAssertEqual(try names("cache-[!a]"), ["cache-b", "cache-c"])
        XCTAssertEqual(try names("ba*"), ["bastion", "db01", "db03", "cache-a", "cache-b", "cache-c"]) // group backend + host bastion
    }

    func testUnionKeepsInventoryOrder() throws {
        XCTAssertEqual(try names("cache:web1"), ["web1", "cache-a", "cache-b", "cache-c"])
        XCTAssertEqual(try names("cache,bastion"), ["bastion", "cache-a", "cache-b", "cache-c"])
        XCTAssertEqual(try names("db:db"), ["db01", "db03"])
    }

    func testIntersectionAndExclusion() throws {
        XCTAssertEqual(try names("backend:&db"), ["db01", "db03"])
        XCTAssertEqual(try names("backend:!db"), ["cache-a", "cache-b", "cache-c"])
        XCTAssertEqual(try names("web:!web2:!web-extra"), ["web1", "web3"])
        XCTAssertEqual(try names("!backend"), ["bastion", "web1", "web2", "web3", "web-extra"])
    }

    /// Ansible applies unions, then intersections, then exclusions, whatever the written order.
    func testOperatorOrderIsUnionsThenIntersectionsThenExclusions() throws {
        XCTAssertEqual(try names("!db01:&backend:db:cache"), ["db03", "cache-a", "cache-b", "cache-c"])
        XCTAssertEqual(try names("&web:web1:db01"), ["web1"])
    }

    func testRegexAndSubscripts() throws {
        XCTAssertEqual(try names("~db0[13]"), ["db01", "db03"])
        XCTAssertEqual(try names("web[0]"), ["web1"])
        XCTAssertEqual(try names("web[-1]"), ["web-extra"])
        XCTAssertEqual(try names("web[1:2]"), ["web2", "web3"])
        XCTAssertEqual(try names("web[2:]"), ["web3", "web-extra"])
    }

    func testNoMatchNamesThePatternAndGroups() {
        let groups = "known groups: all, web, db, cache, backend, ungrouped"
        XCTAssertThrowsError(try inventory.select("wbe")) { error in
            XCTAssertEqual((error as? InputError)?.errorDescription, "error: host pattern 'wbe' matches no host\n  hint: \(groups)")
        }
        XCTAssertThrowsError(try inventory.select("web:&nosuch*")) { error in
            XCTAssertEqual((error as? InputError)?.errorDescription,
                           "error: 'nosuch*' in host pattern 'web:&nosuch*' matches no host\n  hint: \(groups)")
        }
        XCTAssertThrowsError(try inventory.select("web[9]")) { error in
            XCTAssertEqual((error as? InputError)?.message, "host pattern 'web[9]' matches no host")
        }
        let location = SourceLocation(file: "site.yml", line: 3, column: 10)
        XCTAssertThrowsError(try inventory.select("dbs", at: location)) { error in
            XCTAssertEqual((error as? InputError)?.location, location)
        }
    }

    func testEmptyGroupIsReportedAsEmpty() throws {
        let settings = try InventoryFixtures.load("settings.yml")
        XCTAssertThrowsError(try settings.select("empty")) { error in
            XCTAssertEqual((error as? InputError)?.message, "host pattern 'empty' names group 'empty', which has no hosts")
        }
    }

    func testGlobMatcher() {
        XCTAssertTrue(Glob("k8s-node*").matches("k8s-node12"))
        XCTAssertTrue(Glob("*").matches(""))
        XCTAssertFalse(Glob("web?").matches("web"))
        XCTAssertTrue(Glob("a*b*c").matches("aXbYbZc"))
        XCTAssertFalse(Glob("a*b*c").matches("aXbYbZ"))
        XCTAssertTrue(Glob("n[0-9]").matches("n7"))
        XCTAssertFalse(Glob("n[0-9]").matches("nx"))
        XCTAssertTrue(Glob("x[").matches("x["))
    }
}
