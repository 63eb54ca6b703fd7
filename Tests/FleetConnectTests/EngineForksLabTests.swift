import FleetConnect
import FleetCore
import Foundation
import FleetTestSupport
import XCTest

/// More lab hosts than `--forks` over real SSH: pipelined chains keep their host's fork slot,
/// each task still gets its own result, a failure stops its host, and a worker reading the
/// master's capture neither hangs nor starves the master of a slot.
final class EngineForksLabTests: XCTestCase {
    private var folder: URL!
    private var inventory: Inventory!
    private var inventoryPath: String!

    override func setUp() async throws {
        let hosts = try LabHosts.hosts(count: 3)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-engine-forks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        inventoryPath = folder.appendingPathComponent("inventory.yml").path
        func entry(_ host: FleetCore.Host) -> String {
            "      \(host.name): { address: \(host.address), port: \(host.port), user: \(host.user!), key: \"\(host.keyPath!)\", known_hosts: \"\(host.knownHostsPath!)\" }\n"
        }
        // The master last: with one slot the workers take it first.
        let text = "groups:\n  workers:\n    hosts:\n" + hosts.dropFirst().map(entry).joined() + "  masters:\n    hosts:\n" + entry(hosts[0])
        try text.write(toFile: inventoryPath, atomically: true, encoding: .utf8)
        inventory = try Inventory.load(path: inventoryPath)
    }

    override func tearDown() async throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func testChainsAndACrossHostCaptureWithFewerForksThanHosts() async throws {
        let master = inventory.groupMembers["masters"]![0]
        let failing = inventory.groupMembers["workers"]![0]
        let playbook = """
            - hosts: all
              tasks:
                - { name: one, shell: "echo one-{{ inventory_hostname }}" }
                - { name: two, shell: "test {{ inventory_hostname }} != \(failing) || exit 7; echo two" }
                - { name: three, shell: "echo three" }
                - name: make token
                  shell: "sleep 0.2; echo token-{{ inventory_hostname }}"
                  when: inventory_hostname == '\(master)'
                  capture: { as: token }
                - name: use token
                  shell: "echo got-{{ hosts['\(master)'].token }}"
                  when: inventory_hostname != '\(master)'
                - { name: four, shell: "echo four" }
            """
        let path = folder.appendingPathComponent("forks.yml").path
        try playbook.write(toFile: path, atomically: true, encoding: .utf8)
        for forks in [1, 2] {
            let sink = CollectingLabSink()
            let inventory = self.inventory!
            let inventoryPath = self.inventoryPath!
            let summary = try await Deadline.finishing(within: 60) {
                let state = try StateStore.open(inventoryPath: inventoryPath)
                defer { state.close() }
                let transport = LabHosts.transport()
                let summary = try await PlaybookRun(playbook: try PlaybookParser.load(path: path), inventory: inventory,
                                                    transport: transport, options: RunOptions(forks: forks), sink: sink, state: state).run()
                await transport.shutdown()
                return summary
            }
            XCTAssertEqual(summary?.exitCode, 2, "forks \(forks): finishes, one host failed\n" + sink.lines)
            func result(_ host: String, _ task: String) -> RunEvent.HostResult? {
                sink.hostResults.first { $0.host == host && $0.task == task }
            }
            XCTAssertEqual(result(failing, "two")?.rc, 7, sink.lines)
            XCTAssertNil(result(failing, "three"), "the failed host ran nothing after it")
            for host in inventory.hosts.map(\.name) where host != failing {
                XCTAssertEqual(result(host, "one")?.stdoutExcerpt, "one-\(host)", sink.lines)
                XCTAssertEqual(result(host, "two")?.stdoutExcerpt, "two", sink.lines)
                XCTAssertEqual(result(host, "three")?.stdoutExcerpt, "three", sink.lines)
                XCTAssertEqual(result(host, "four")?.stdoutExcerpt, "four", sink.lines)
            }
            let worker = inventory.groupMembers["workers"]![1]
            XCTAssertEqual(result(worker, "use token")?.stdoutExcerpt, "got-token-\(master)", sink.lines)
        }
    }
}
