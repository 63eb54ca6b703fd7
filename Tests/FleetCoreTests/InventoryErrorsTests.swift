import XCTest
@testable import FleetCore

/// Every way an inventory file can be wrong, from a fixture file, with the exact message a
/// user sees (`file:line:col: error: ...` and the hint).
final class InventoryErrorsTests: XCTestCase {
    private func assertError(_ name: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = InventoryFixtures.path("errors/\(name)")
        XCTAssertEqual(InventoryFixtures.errorText("errors/\(name)", file: file, line: line),
                       "\(path):" + expected, file: file, line: line)
    }

    // MARK: native YAML

    func testUnknownTopKey() {
        assertError("native-top-key.yml", "1:1: error: unknown key 'hosts' in the inventory\n  hint: valid keys: defaults, vars, groups")
    }

    func testUnknownGroupKey() {
        assertError("native-unknown-key.yml", "3:5: error: unknown key 'host' in group 'web'\n  hint: valid keys: hosts, vars, children")
    }

    func testUnknownHostKey() {
        assertError("native-unknown-host-key.yml",
                    "4:15: error: unknown key 'adress' in host 'web1'\n  hint: valid keys: address, port, user, key, become, known_hosts, vars")
    }

    func testWrongPortType() {
        assertError("native-wrong-port.yml", "6:15: error: 'port' must be a port number (1-65535), found 'twenty'")
    }

    func testWrongChildrenType() {
        assertError("native-wrong-children.yml", "5:15: error: children of group 'cluster' must be a list, found the value 'masters'")
    }

    func testUnknownChild() {
        assertError("native-unknown-child.yml",
                    "5:25: error: unknown child group 'wrokers' in group 'cluster'\n  hint: known groups: all, masters, cluster")
    }

    func testCycle() {
        assertError("native-cycle.yml",
                    "8:16: error: group cycle: a -> b -> c -> a\n  hint: a group cannot contain itself through its children")
    }

    func testHostWithTwoAddresses() {
        let path = InventoryFixtures.path("errors/native-address-conflict.yml")
        assertError("native-address-conflict.yml",
                    "7:30: error: host 'k8s-master' is given two different values for address: '192.168.1.1' (at \(path):4:30) and '192.168.1.9'\n  hint: give each host one address, or use two host names")
    }

    func testBadHostKeyPolicy() {
        assertError("native-bad-policy.yml",
                    "2:22: error: 'host_key_checking' must be one of strict, accept-new, found 'off'\n  hint: strict refuses unknown hosts; accept-new records them on first connection")
    }

    // MARK: Ansible INI

    func testBadRange() {
        assertError("ini-bad-range.ini",
                    "3:5: error: invalid host range '[3:1]' in 'node[3:1]': start is greater than end\n  hint: write [start:end] or [start:end:step], e.g. node[1:3], node[01:10], node[a:c]")
    }

    func testBadRangePadding() {
        assertError("ini-bad-padding.ini",
                    "2:4: error: invalid host range '[01:9]' in 'web[01:9]': zero-padded start and end must have the same number of digits\n  hint: write [start:end] or [start:end:step], e.g. node[1:3], node[01:10], node[a:c]")
    }

    func testHostLineWithoutValue() {
        assertError("ini-bad-host-line.ini", "2:28: error: expected key=value after host 'web1', found 'ansible_user'")
    }

    func testVarsLineWithoutValue() {
        assertError("ini-bad-vars-line.ini", "5:1: error: expected key=value in [web:vars], found 'http_port'")
    }

    func testUnknownSectionType() {
        assertError("ini-unknown-section.ini",
                    "3:5: error: unknown section type ':hosts' in [web:hosts]\n  hint: sections are [group], [group:children] and [group:vars]")
    }

    func testUnclosedSectionHeader() {
        assertError("ini-bad-header.ini", "1:1: error: section header '[web' is missing ']'")
    }

    func testINIUnknownChild() {
        assertError("ini-unknown-child.ini",
                    "5:1: error: unknown child group 'dbs' in group 'cluster'\n  hint: known groups: all, web, cluster")
    }

    func testINICycle() {
        assertError("ini-cycle.ini", "4:1: error: group cycle: a -> b -> a\n  hint: a group cannot contain itself through its children")
    }

    func testINIBadPort() {
        assertError("ini-bad-port.ini", "2:19: error: 'ansible_port' must be a port number (1-65535), found 'http'")
    }

    func testINIUnterminatedQuote() {
        assertError("ini-unterminated-quote.ini", "2:11: error: unterminated quote '")
    }

    // MARK: Ansible YAML

    func testAnsibleUnknownGroupKey() {
        assertError("ansible-unknown-key.yml", "4:7: error: unknown key 'host' in group 'web'\n  hint: valid keys: hosts, children, vars")
    }

    func testAnsibleHostsAsList() {
        assertError("ansible-hosts-list.yml", "5:9: error: hosts of group 'web' must be a mapping (key: value), found a list")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try Inventory.load(path: "/nonexistent/inventory.yml")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("cannot read inventory /nonexistent/inventory.yml") ?? false)
        }
    }
}
