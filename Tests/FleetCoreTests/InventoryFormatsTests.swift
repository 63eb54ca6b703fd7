import XCTest
@testable import FleetCore

/// Loading each inventory format from fixture files: hosts, connection settings, groups and
/// variable precedence.
final class InventoryFormatsTests: XCTestCase {
    private var keyPath: String { InventoryFixtures.folder.appendingPathComponent("keys/id_ed25519").path }

    func testNativeClusterHostsAndSettings() throws {
        let inventory = try InventoryFixtures.load("cluster.yml")
        XCTAssertEqual(inventory.hosts.map(\.name), ["k8s-master", "k8s-node1", "k8s-node2"])
        XCTAssertEqual(inventory.hosts.map(\.address), ["192.168.1.1", "192.168.1.2", "192.168.1.3"])
        XCTAssertEqual(inventory.hosts.map(\.port), [22, 22, 2222])
        XCTAssertEqual(inventory.hosts.map(\.user), ["root", "root", "admin"])
        XCTAssertEqual(inventory.hosts.map(\.become), [true, false, false])
        XCTAssertEqual(inventory.hosts.map(\.keyPath), Array(repeating: keyPath, count: 3))
        XCTAssertEqual(inventory.groupNames, ["masters", "workers", "cluster"])
        XCTAssertEqual(inventory.hosts.map(\.groups), [["masters", "cluster"], ["workers", "cluster"], ["workers", "cluster"]])
        XCTAssertEqual(inventory.groupMembers["cluster"], ["k8s-master", "k8s-node1", "k8s-node2"])
        XCTAssertEqual(inventory.groupMembers["all"], ["k8s-master", "k8s-node1", "k8s-node2"])
        XCTAssertEqual(inventory.groupChildren["all"], ["cluster"])
        XCTAssertEqual(inventory.groupChildren["cluster"], ["masters", "workers"])
        XCTAssertEqual(inventory.groupHosts["workers"], ["k8s-node1", "k8s-node2"])
    }

    /// all < cluster (parent) < masters/workers (children) < host.
    func testNativeVariablePrecedence() throws {
        let inventory = try InventoryFixtures.load("cluster.yml")
        let master = inventory.host(named: "k8s-master")!
        XCTAssertEqual(master.vars, [
            "pod_cidr": .string("10.244.0.0/16"), "k8s_version": .string("1.28.2"),
            "role": .string("control-plane"), "cluster_name": .string("lab"),
        ])
        XCTAssertEqual(inventory.host(named: "k8s-node1")!.vars["node_role"], .string("worker"))
        XCTAssertEqual(inventory.host(named: "k8s-node1")!.vars["role"], .string("worker"))
        XCTAssertEqual(inventory.host(named: "k8s-node2")!.vars["node_role"], .string("special"))
    }

    func testSameClusterInThreeFormatsGivesEqualHosts() throws {
        let native = try InventoryFixtures.load("cluster.yml")
        let ini = try InventoryFixtures.load("cluster.ini")
        let ansibleYAML = try InventoryFixtures.load("cluster-ansible.yml")
        XCTAssertEqual(ini.hosts, native.hosts)
        XCTAssertEqual(ansibleYAML.hosts, native.hosts)
        XCTAssertEqual(ini.groupMembers, native.groupMembers)
        XCTAssertEqual(ansibleYAML.groupMembers, native.groupMembers)
        XCTAssertEqual(ini.groupChildren, native.groupChildren)
        XCTAssertEqual(ansibleYAML.groupChildren, native.groupChildren)
    }

    func testINIRangesChildrenVarsAndUngrouped() throws {
        let inventory = try InventoryFixtures.load("ranges.ini")
        XCTAssertEqual(inventory.hosts.map(\.name), [
            "bastion", "web1", "web2", "web3", "web-extra", "db01", "db03", "cache-a", "cache-b", "cache-c",
        ])
        XCTAssertEqual(inventory.groupNames, ["web", "db", "cache", "backend", "ungrouped"])
        XCTAssertEqual(inventory.groupMembers["ungrouped"], ["bastion"])
        XCTAssertEqual(inventory.groupMembers["backend"], ["db01", "db03", "cache-a", "cache-b", "cache-c"])

        let bastion = inventory.host(named: "bastion")!
        XCTAssertEqual(bastion.address, "10.0.0.1")
        XCTAssertEqual(bastion.port, 2200)
        XCTAssertNil(bastion.user)
        XCTAssertEqual(bastion.groups, ["ungrouped"])
        XCTAssertEqual(inventory.host(named: "web-extra")!.port, 2022)
        XCTAssertEqual(inventory.host(named: "web2")!.user, "deploy")
        XCTAssertEqual(inventory.host(named: "web2")!.address, "web2")

        let db = inventory.host(named: "db03")!
        XCTAssertEqual(db.groups, ["db", "backend"])
        XCTAssertTrue(db.become)
        // Host-line values are literals; :vars values stay strings; child group beats all.
        XCTAssertEqual(db.vars, [
            "weight": .int(3), "ratio": .double(0.5), "primary": .bool(true), "quoted": .string("a b"),
            "plain": .string("true"), "tier": .string("backend"), "retries": .string("3"), "env": .string("production"),
        ])
        XCTAssertEqual(inventory.host(named: "web1")!.vars, ["tier": .string("edge"), "env": .string("production")])
        XCTAssertFalse(inventory.host(named: "web1")!.become)
    }

    func testAnsibleYAMLShapes() throws {
        let inventory = try InventoryFixtures.load("ansible-shapes.yml")
        XCTAssertEqual(inventory.hosts.map(\.name), ["lonely", "app1", "app2", "proxy1"])
        XCTAssertEqual(inventory.groupNames, ["app", "app_canary", "proxy", "extra", "shared", "ungrouped"])
        XCTAssertEqual(inventory.groupChildren["all"], ["app", "proxy", "extra", "shared", "ungrouped"])
        XCTAssertEqual(inventory.host(named: "lonely")!.groups, ["ungrouped"])
        XCTAssertEqual(inventory.host(named: "proxy1")!.port, 2201)
        XCTAssertEqual(inventory.host(named: "app1")!.user, "app")
        XCTAssertEqual(inventory.host(named: "app1")!.groups, ["app", "extra"])
        XCTAssertEqual(inventory.host(named: "app2")!.groups, ["app", "app_canary", "shared"])
        // app_canary (depth 2) beats the top-level group extra; extra sets app1. app2's own
        // env beats the one it merged from the anchor (<<: *shared_vars), which beats all's.
        XCTAssertEqual(inventory.host(named: "app2")!.vars, [
            "env": .string("app2-own"), "replicas": .int(1), "canary": .bool(true), "ntp": .string("pool.ntp.org"),
        ])
        XCTAssertEqual(inventory.host(named: "app1")!.vars, ["env": .string("staging"), "replicas": .int(3)])
    }

    func testConnectionSettingsFromDefaultsGroupsAndHosts() throws {
        let inventory = try InventoryFixtures.load("settings.yml")
        let home = NSString(string: "~").expandingTildeInPath
        let old1 = inventory.host(named: "old1")!
        XCTAssertEqual(old1.user, "root")            // group ansible_user beats defaults
        XCTAssertEqual(old1.port, 2022)
        XCTAssertEqual(old1.keyPath, home + "/.ssh/fleet_key")
        XCTAssertEqual(old1.knownHostsPath, InventoryFixtures.folder.appendingPathComponent("known_hosts").path)
        XCTAssertEqual(old1.hostKeyPolicy, "accept-new")
        XCTAssertEqual(old1.connectTimeout, 7.5)
        XCTAssertFalse(old1.become)

        let old2 = inventory.host(named: "old2")!
        XCTAssertEqual(old2.user, "admin")           // host key beats group variable
        XCTAssertEqual(old2.keyPath, "/etc/fleet/old2.key")
        XCTAssertEqual(old2.knownHostsPath, "/etc/ssh/extra_known_hosts")

        let new1 = inventory.host(named: "new1")!
        XCTAssertEqual(new1.address, "new1.example.com")
        XCTAssertEqual(new1.user, "ops")
        XCTAssertEqual(new1.port, 22)
        XCTAssertTrue(new1.become)

        XCTAssertEqual(inventory.groupNames, ["legacy", "modern", "empty"])
        XCTAssertEqual(inventory.groupMembers["empty"], [])
    }

    func testFormatDetectionWithoutExtension() throws {
        let ini = "[web]\nweb1 ansible_host=10.0.0.5\n"
        XCTAssertEqual(try Inventory.parse(text: ini, path: "/tmp/hosts").hosts.map(\.address), ["10.0.0.5"])
        let ansible = "web:\n  hosts:\n    web1:\n      ansible_port: 2200\n"
        XCTAssertEqual(try Inventory.parse(text: ansible, path: "/tmp/hosts").hosts.map(\.port), [2200])
        let native = "groups:\n  web:\n    hosts:\n      web1: { port: 2201 }\n"
        XCTAssertEqual(try Inventory.parse(text: native, path: "/tmp/hosts").hosts.map(\.port), [2201])
        let plain = "web1\nweb2\n"
        XCTAssertEqual(try Inventory.parse(text: plain, path: "/tmp/hosts").groupMembers["ungrouped"], ["web1", "web2"])
    }

    func testHostNameExpansion() throws {
        let here = SourceLocation(file: "f", line: 1, column: 1)
        XCTAssertEqual(try HostNameExpansion.expand("node[1:3]", at: here).names, ["node1", "node2", "node3"])
        XCTAssertEqual(try HostNameExpansion.expand("node[08:10]", at: here).names, ["node08", "node09", "node10"])
        XCTAssertEqual(try HostNameExpansion.expand("n[a:b]-[1:2]", at: here).names, ["na-1", "na-2", "nb-1", "nb-2"])
        XCTAssertEqual(try HostNameExpansion.expand("n[0:6:3]", at: here).names, ["n0", "n3", "n6"])
        XCTAssertEqual(try HostNameExpansion.expand("web1:2222", at: here), .init(names: ["web1"], port: 2222))
        XCTAssertEqual(try HostNameExpansion.expand("fe80::1", at: here), .init(names: ["fe80::1"], port: nil))
        XCTAssertThrowsError(try HostNameExpansion.expand("n[a:3]", at: here))
        XCTAssertThrowsError(try HostNameExpansion.expand("n[1:]", at: here))
    }

    func testOwnExampleInventoriesAgree() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try Inventory.load(path: root.appendingPathComponent("inventories/k8s-three-node.yml").path)
        let ini = try Inventory.load(path: root.appendingPathComponent("inventories/k8s-three-node.ini").path)
        XCTAssertEqual(yaml.hosts, ini.hosts)
        XCTAssertEqual(yaml.hosts.map(\.address), ["192.168.1.1", "192.168.1.2", "192.168.1.3"])
        XCTAssertEqual(yaml.groupMembers["cluster"], ["k8s-master", "k8s-node1", "k8s-node2"])
    }
}
