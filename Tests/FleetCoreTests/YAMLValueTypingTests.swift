import XCTest
@testable import FleetCore

/// How a YAML value becomes a variable: plain scalars are typed the YAML 1.1 way, quoted ones
/// stay text. fleet types scalars itself, so this holds whatever Yams' resolver would say.
final class YAMLValueTypingTests: XCTestCase {
    private func values(_ yaml: String) throws -> [String: VariableValue] {
        let file = try YAMLFile(path: "vars.yml", text: yaml)
        guard case .map(let map) = YAMLFile.value(of: try XCTUnwrap(file.root)) else {
            XCTFail("not a mapping")
            return [:]
        }
        return map
    }

    func testBooleansInAnyCase() throws {
        let spellings = ["true", "True", "TRUE", "tRUE", "yes", "Yes", "YES", "on", "On", "ON"]
        let falses = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"]
        let yaml = (spellings + falses).enumerated().map { "v\($0.offset): \($0.element)" }.joined(separator: "\n")
        let map = try values(yaml)
        for (index, text) in spellings.enumerated() { XCTAssertEqual(map["v\(index)"], .bool(true), text) }
        for (index, text) in falses.enumerated() { XCTAssertEqual(map["v\(index + spellings.count)"], .bool(false), text) }
    }

    func testOtherScalarsKeepTheirTypes() throws {
        let map = try values("""
            quoted: "true"
            single: 'yes'
            count: 42
            negative: -7
            ratio: 1.5
            exponent: 2e3
            version: 1.10.0
            nothing: ~
            null_word: null
            empty:
            word: kubeadm
            list: [on, "on", 3]
            """)
        XCTAssertEqual(map["quoted"], .string("true"))
        XCTAssertEqual(map["single"], .string("yes"))
        XCTAssertEqual(map["count"], .int(42))
        XCTAssertEqual(map["negative"], .int(-7))
        XCTAssertEqual(map["ratio"], .double(1.5))
        XCTAssertEqual(map["exponent"], .double(2000))
        XCTAssertEqual(map["version"], .string("1.10.0"))
        XCTAssertEqual(map["nothing"], .null)
        XCTAssertEqual(map["null_word"], .null)
        XCTAssertEqual(map["empty"], .null)
        XCTAssertEqual(map["word"], .string("kubeadm"))
        XCTAssertEqual(map["list"], .list([.bool(true), .string("on"), .int(3)]))
    }
}
