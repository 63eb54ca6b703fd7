import Foundation
import XCTest
@testable import FleetCore

/// Paths of the playbook fixture files, the repository's example inventory, and helpers to
/// turn a fixture into the exact text `fleet check` prints.
enum PlaybookFixtures {
    static var folder: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("playbook")
    }

    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// `inventories/k8s-three-node.yml` at the package root, the inventory of journey 1.
    static var k8sInventoryPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("inventories/k8s-three-node.yml").path
    }

    static func k8sInventory() throws -> Inventory {
        try Inventory.load(path: k8sInventoryPath)
    }

    /// Every printed error (`file:line:col: error: ...` plus hint) of parsing then checking
    /// `name` against the k8s inventory, in order.
    static func errorTexts(_ name: String, extraVars: [String: VariableValue] = [:]) throws -> [String] {
        let playbook: Playbook
        do {
            playbook = try PlaybookParser.load(path: path(name))
        } catch let error as InputError {
            return [error.errorDescription!]
        }
        return PlaybookChecker(playbook: playbook, inventory: try k8sInventory(), extraVars: extraVars)
            .check().map { $0.errorDescription! }
    }
}
