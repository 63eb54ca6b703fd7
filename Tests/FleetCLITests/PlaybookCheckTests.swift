import Foundation
import XCTest

/// Every shipped playbook and Docs example passes `fleet check` with every shipped inventory,
/// and the generated Kubernetes playbooks match their parts.
final class PlaybookCheckTests: XCTestCase {
    func testEveryShippedPlaybookChecksWithEveryShippedInventory() throws {
        let playbooks = PlaybookFiles.playbooks(under: "playbooks")
        let inventories = PlaybookFiles.inventories
        XCTAssertGreaterThanOrEqual(playbooks.count, 11, playbooks.map(\.path).joined(separator: "\n"))
        XCTAssertEqual(inventories.map(\.lastPathComponent), ["k8s-three-node.ini", "k8s-three-node.yml"])
        for playbook in playbooks {
            for inventory in inventories {
                let result = try FleetBinary.run(["check", playbook.path, "-i", inventory.path])
                XCTAssertEqual(result.status, 0, "\(playbook.path) with \(inventory.lastPathComponent):\n\(result.stderr)")
                XCTAssertTrue(result.stdout.hasPrefix("ok: "), result.stdout)
            }
        }
    }

    func testDocsExamplesCheck() throws {
        let examples = PlaybookFiles.playbooks(under: "Docs/examples")
        XCTAssertGreaterThanOrEqual(examples.count, 5)
        let inventory = PlaybookFiles.url("Docs/examples/inventories/hosts.yml")
        for example in examples {
            let result = try FleetBinary.run(["check", example.path, "-i", inventory.path])
            XCTAssertEqual(result.status, 0, "\(example.path):\n\(result.stderr)")
        }
    }

    /// cluster.yml, add-worker.yml and the step playbooks are written by assemble.sh from
    /// parts/; a hand edit to one of them (or a part not re-assembled) fails here.
    func testKubernetesPlaybooksAreAssembledFromTheirParts() throws {
        let copy = try FleetBinary.temporaryDirectory().appendingPathComponent("k8s")
        try FileManager.default.copyItem(at: PlaybookFiles.url("playbooks/k8s"), to: copy)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [copy.appendingPathComponent("assemble.sh").path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        for name in ["prepare", "containerd", "kube-packages", "control-plane", "workers", "verify", "cluster", "add-worker"] {
            let committed = try String(contentsOf: PlaybookFiles.url("playbooks/k8s/\(name).yml"), encoding: .utf8)
            let assembled = try String(contentsOf: copy.appendingPathComponent("\(name).yml"), encoding: .utf8)
            XCTAssertEqual(committed, assembled, "playbooks/k8s/\(name).yml differs from what assemble.sh writes: run it")
        }
    }

    /// The cluster playbook as the checker reads it: the order of the journey, and each
    /// standalone step containing exactly its plays.
    func testClusterPlaybookRunsTheStepsInOrder() throws {
        let text = try String(contentsOf: PlaybookFiles.url("playbooks/k8s/cluster.yml"), encoding: .utf8)
        let plays = text.split(separator: "\n").filter { $0.hasPrefix("- name: ") }.map { String($0.dropFirst(8)) }
        XCTAssertEqual(plays, ["Prepare every node", "Container runtime (containerd)", "Kubernetes packages", "Control plane",
                               "Join command", "Join workers", "Verify the cluster"])
        let inventory = PlaybookFiles.url("inventories/k8s-three-node.yml").path
        let check = try FleetBinary.run(["check", PlaybookFiles.url("playbooks/k8s/cluster.yml").path, "-i", inventory])
        XCTAssertEqual(check.stdout, "ok: 7 plays, 43 tasks, 3 hosts\n")
    }
}
