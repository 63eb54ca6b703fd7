import FleetLab
import Foundation
import XCTest

/// The demo cluster of README command 1: a real Redis primary and two replicas on lab hosts,
/// joined with the password captured on the primary.
final class PlaybookDemoTests: XCTestCase {
    func testRedisReplicasJoinWithTheCapturedPasswordAndASecondRunChangesNothing() throws {
        let lab = try Lab.shared(count: 3)
        let folder = try FleetBinary.temporaryDirectory()
        let hosts = Array(lab.hosts().prefix(3))
        var inventory = "defaults: { user: \(lab.user), key: \"\(lab.keyPath.path)\", known_hosts: \"\(lab.knownHostsPath.path)\" }\n"
        inventory += "groups:\n  masters:\n    hosts:\n      \(hosts[0].name): { address: \(hosts[0].address), port: \(hosts[0].port) }\n"
        inventory += "  workers:\n    hosts:\n"
        for host in hosts.dropFirst() { inventory += "      \(host.name): { address: \(host.address), port: \(host.port) }\n" }
        let inventoryPath = folder.appendingPathComponent("inventory.yml")
        try inventory.write(to: inventoryPath, atomically: true, encoding: .utf8)
        // Written by the lab user, so a folder it can create; removed (and its servers stopped) at the end.
        let data = "/tmp/fleet-demo-test-\(UUID().uuidString.prefix(8))"
        defer { stopRedis(in: data, hosts: hosts.map(\.name)) }
        let port = Int.random(in: 20000...29999)
        let arguments = ["run", PlaybookFiles.url("playbooks/demo/cluster.yml").path, "-i", inventoryPath.path, "-e", "redis_root=\(data)",
                         "-e", "redis_port=\(port)"]

        let first = try FleetBinary.run(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        let password = try String(contentsOfFile: "\(data)/lab-master/password", encoding: .utf8)
        XCTAssertGreaterThanOrEqual(password.count, 16)
        XCTAssertFalse(first.stdout.contains(password) || first.stderr.contains(password), "the password was printed")
        XCTAssertTrue((first.stdout + first.stderr).contains("captured redis_password = ••••"), first.stderr)
        let log = try latestLog(folder, host: "lab-master", task: "every-replica-connected")
        XCTAssertTrue(log.contains("role:master"), log)
        XCTAssertTrue(log.contains("connected_slaves:2"), log)
        XCTAssertTrue(log.contains("replicas online: 2 of 2"), log)
        for replica in hosts.dropFirst() {
            let config = try String(contentsOfFile: "\(data)/\(replica.name)/redis.conf", encoding: .utf8)
            XCTAssertTrue(config.contains("replicaof \(hosts[0].address) \(port)\nmasterauth \(password)\n"), config)
        }

        let second = try FleetBinary.run(arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try PlaybookStandInTests.changedTotal(second.stdout + second.stderr), 0, second.stdout + second.stderr)
        XCTAssertEqual(try String(contentsOfFile: "\(data)/lab-master/password", encoding: .utf8), password)
    }

    private func latestLog(_ folder: URL, host: String, task: String) throws -> String {
        let logs = folder.appendingPathComponent(".fleet/logs")
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted().last)
        let hostFolder = logs.appendingPathComponent(run).appendingPathComponent(host)
        let file = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: hostFolder.path)
            .first { $0.hasSuffix("-\(task).out") })
        return try String(contentsOf: hostFolder.appendingPathComponent(file), encoding: .utf8)
    }

    /// Stops the redis-server processes this test started, by the pids they wrote.
    private func stopRedis(in data: String, hosts: [String]) {
        for host in hosts {
            guard let text = try? String(contentsOfFile: "\(data)/\(host)/redis.pid", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            kill(pid, SIGTERM)
        }
        Thread.sleep(forTimeInterval: 0.5)
        try? FileManager.default.removeItem(atPath: data)
    }
}
