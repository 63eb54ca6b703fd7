import Foundation
import XCTest
@testable import FleetCore

/// Paths of the inventory fixture files and a helper to load them.
enum InventoryFixtures {
    static var folder: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("inventory")
    }

    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    static func load(_ name: String) throws -> Inventory {
        try Inventory.load(path: path(name))
    }

    /// The full printed error (`file:line:col: error: ...` plus hint) that loading `name` raises.
    static func errorText(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try load(name)
            XCTFail("\(name) loaded without error", file: file, line: line)
            return nil
        } catch let error as InputError {
            return error.errorDescription
        } catch {
            XCTFail("\(name) raised \(error), not an InputError", file: file, line: line)
            return nil
        }
    }
}
