import Foundation
import XCTest
@testable import FleetCore

/// `groups.g[i].x` and `hosts['h'].x` in a host's scope: the value of one host object is
/// built without building every host's (a 200-host run renders such a reference per host).
final class TemplateHostObjectTests: XCTestCase {
    private let inventoryText = """
        groups:
          masters:
            hosts:
              m1: { address: 10.0.0.1, vars: { role: control } }
          workers:
            hosts:
              w1: { address: 10.0.0.2 }
              w2: { address: 10.0.0.3 }
        """

    private func scope(playVars: [String: VariableValue] = [:]) throws -> HostScope {
        let inventory = try Inventory.parse(text: inventoryText, path: "/tmp/hosts.yml")
        return HostScope(host: inventory.host(named: "w1")!, inventory: inventory, playVars: playVars, extraVars: [:],
                         produced: ["m1": ["token": .string("t-123")]], secretNames: ["m1": ["token"]])
    }

    /// Stepping into the whole `groups` or `hosts` value gives what the narrowed lookup gives.
    func testOneEntryEqualsTheEntryOfTheWholeValue() throws {
        let scope = try scope()
        for (name, key) in [("groups", "masters"), ("groups", "workers"), ("groups", "all"), ("hosts", "m1"), ("hosts", "w2")] {
            guard case .map(let whole)? = try scope.lookup(name) else { return XCTFail("\(name) is not a map") }
            let entry = try scope.lookup(name, key: key)
            XCTAssertNotNil(entry, "\(name).\(key)")
            XCTAssertEqual(entry, whole[key], "\(name).\(key)")
        }
        XCTAssertNil(try scope.lookup("groups", key: "nope"), "a missing group is left to the ordinary path and its message")
        XCTAssertNil(try scope.lookup("hosts", key: "nope"))
        XCTAssertNil(try scope.lookup("token", key: "x"), "only groups and hosts are narrowed")
    }

    /// A play variable named `groups` hides the built-in, for the narrowed lookup too.
    func testAVariableOfTheSameNameHidesTheBuiltIn() throws {
        let scope = try scope(playVars: ["groups": .map(["masters": .list([.string("mine")])])])
        XCTAssertNil(try scope.lookup("groups", key: "masters"))
        XCTAssertEqual(try Template(parsing: "{{ groups.masters[0] }}", location: nil).render(in: scope), "mine")
    }

    func testRenderingReadsValuesAndSecretsThroughOneHost() throws {
        let scope = try scope()
        let result = try Template(parsing: "{{ groups.masters[0].token }} {{ hosts['m1'].role }} {{ hosts.w2.address }}",
                                  location: nil).renderDetailed(in: scope)
        XCTAssertEqual(result, RenderResult(text: "t-123 control 10.0.0.3", usedSecrets: true))
        XCTAssertFalse(try Template(parsing: "{{ groups.masters[0].role }}", location: nil).renderDetailed(in: scope).usedSecrets)
        XCTAssertThrowsError(try Template(parsing: "{{ groups.mastres[0].token }}", location: nil).render(in: scope)) { error in
            XCTAssertEqual((error as? TemplateError)?.message,
                           "undefined variable 'groups.mastres[0].token': 'groups' has no key 'mastres' (did you mean 'masters'?)")
        }
        XCTAssertThrowsError(try Template(parsing: "{{ groups.masters[3].token }}", location: nil).render(in: scope)) { error in
            XCTAssertEqual((error as? TemplateError)?.message,
                           "undefined variable 'groups.masters[3].token': 'groups.masters' has 1 item, so index 3 is out of range")
        }
    }

    /// The evaluator asks for the one entry and never builds the whole value when it gets it.
    func testTheEvaluatorDoesNotBuildTheWholeValue() throws {
        let scope = CountingScope()
        XCTAssertEqual(try Template(parsing: "{{ groups.masters[0] }}-{{ groups['masters'][0] }}", location: nil).render(in: scope),
                       "m1-m1")
        XCTAssertEqual(scope.wholeLookups.value, 0)
        XCTAssertEqual(try Template(parsing: "{{ groups[which][0] }}", location: nil).render(in: scope), "m1",
                       "a computed key takes the ordinary path")
        XCTAssertEqual(scope.wholeLookups.value, 1)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }

    private struct CountingScope: VariableScope {
        let wholeLookups = Counter()
        func lookup(_ name: String) throws -> VariableValue? {
            if name == "which" { return .string("masters") }
            guard name == "groups" else { return nil }
            wholeLookups.increment()
            return .map(["masters": .list([.string("m1")])])
        }
        func lookup(_ name: String, key: String) throws -> VariableValue? {
            name == "groups" && key == "masters" ? .list([.string("m1")]) : nil
        }
    }
}
