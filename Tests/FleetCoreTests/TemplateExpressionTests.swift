import XCTest
import FleetCore

/// Precedence, definedness, static references, scopes and error locations.
final class TemplateExpressionTests: XCTestCase {
    private typealias S = TemplateTestSupport

    // MARK: Precedence

    func testNotBindsLooserThanIn() throws {
        // not ('x' in ['y']) is true; (not 'x') in ['y'] would be false.
        XCTAssertTrue(try S.isTrue("not a in b", ["a": .string("x"), "b": .list([.string("y")])]))
        XCTAssertFalse(try S.isTrue("(not a) in b", ["a": .string("x"), "b": .list([.string("y")])]))
    }

    func testAndBindsTighterThanOr() throws {
        let vars: [String: VariableValue] = ["a": .bool(true), "b": .bool(false), "c": .bool(false)]
        XCTAssertTrue(try S.isTrue("a or b and c", vars))
        XCTAssertFalse(try S.isTrue("(a or b) and c", vars))
        XCTAssertFalse(try S.isTrue("c and b or c", vars))
    }

    func testFiltersBindTighterThanComparison() throws {
        XCTAssertTrue(try S.isTrue("x | trim == 'a'", ["x": .string(" a ")]))
        XCTAssertTrue(try S.isTrue("not x | default('') ", [:]))
    }

    func testNotAppliesToTestResult() throws {
        XCTAssertTrue(try S.isTrue("not x is defined"))
        XCTAssertFalse(try S.isTrue("not x is defined", ["x": .null]))
    }

    // MARK: Truth and comparison

    func testTruthiness() throws {
        for value: VariableValue in [.string(""), .list([]), .map([:]), .int(0), .double(0), .bool(false), .null] {
            XCTAssertFalse(try S.isTrue("x", ["x": value]), "\(value) should be false")
        }
        for value: VariableValue in [.string("0"), .string("false"), .list([.null]), .int(-1), .bool(true)] {
            XCTAssertTrue(try S.isTrue("x", ["x": value]), "\(value) should be true")
        }
    }

    func testOrderingOperators() throws {
        XCTAssertTrue(try S.isTrue("a < b and b > a and a <= a and b >= b", ["a": .int(1), "b": .double(1.5)]))
        XCTAssertTrue(try S.isTrue("'abc' < 'abd'"))
        XCTAssertTrue(try S.isTrue("[1, 2] < [1, 3]"))
        XCTAssertTrue(try S.isTrue("x != 'a'", ["x": .int(1)]))
        XCTAssertThrowsError(try S.isTrue("x < 1", ["x": .null])) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "cannot compare none with an integer using '<'")
        }
    }

    // MARK: Definedness

    func testIsDefinedOnNestedPaths() throws {
        let vars: [String: VariableValue] = [
            "hosts": .map(["k8s-master": .map(["join_command": .string("kubeadm join x")])]),
            "groups": .map(["masters": .list([.map(["ip": .string("10.0.0.1")])])]),
        ]
        XCTAssertTrue(try S.isTrue("hosts['k8s-master'].join_command is defined", vars))
        XCTAssertFalse(try S.isTrue("hosts['k8s-node1'].join_command is defined", vars))
        XCTAssertFalse(try S.isTrue("hosts['k8s-master'].join_command.more is defined", vars))
        XCTAssertTrue(try S.isTrue("groups.masters[0].ip is defined", vars))
        XCTAssertFalse(try S.isTrue("groups.masters[1].ip is defined", vars))
        XCTAssertFalse(try S.isTrue("groups.workers[0] is defined", vars))
        XCTAssertTrue(try S.isTrue("nothing.at.all is not defined", vars))
        XCTAssertTrue(try S.isTrue("nothing is undefined", vars))
        XCTAssertTrue(try S.isTrue("x is none", ["x": .null]))
    }

    func testDefaultWithUndefinedNestedPaths() throws {
        let vars: [String: VariableValue] = ["hosts": .map(["k8s-master": .map([:])])]
        XCTAssertEqual(try S.render("{{ hosts['k8s-master'].join_command | default('-') }}", vars), "-")
        XCTAssertEqual(try S.render("{{ hosts.nobody.join_command | default('-') }}", vars), "-")
        XCTAssertEqual(try S.render("{{ nothing.a[3].b | default('-') }}", vars), "-")
    }

    func testUndefinedIsAnErrorNamingTheWholePath() throws {
        let vars: [String: VariableValue] = ["hosts": .map(["k8s-master": .map(["join_command": .string("j")])])]
        XCTAssertThrowsError(try S.render("{{ hosts['k8s-node1'].join_command }}", vars)) { error in
            guard case .undefined(let path, let reason, _, _)? = error as? TemplateError else {
                return XCTFail("expected undefined, got \(error)")
            }
            XCTAssertEqual(path, "hosts['k8s-node1'].join_command")
            XCTAssertEqual(reason, "'hosts' has no key 'k8s-node1'")
        }
        XCTAssertThrowsError(try S.render("{{ join_tok }}", ["join_token": .string("t")])) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "undefined variable 'join_tok' (did you mean 'join_token'?)")
        }
    }

    // MARK: Locations

    func testErrorsPointInsideTheTemplate() {
        let location = SourceLocation(file: "play.yml", line: 7, column: 12)
        XCTAssertThrowsError(try Template(parsing: "echo {{ nope }}", location: location).render(in: DictionaryScope())) { error in
            XCTAssertEqual((error as? TemplateError)?.location, SourceLocation(file: "play.yml", line: 7, column: 20))
            XCTAssertEqual((error as? LocalizedError)?.errorDescription?.components(separatedBy: "\n").first,
                           "play.yml:7:20: error: undefined variable 'nope'")
        }
        XCTAssertThrowsError(try Expression(parsing: "a and (b", location: location)) { error in
            XCTAssertEqual((error as? TemplateError)?.location?.column, 20)
            XCTAssertEqual((error as? TemplateError)?.message, "expected ')' to close '(', found end of expression")
        }
        let script = "set -e\n  echo {{ nope }}"
        XCTAssertThrowsError(try Template(parsing: script, location: location).render(in: DictionaryScope())) { error in
            XCTAssertEqual((error as? TemplateError)?.location, SourceLocation(file: "play.yml", line: 8, column: 11))
        }
        XCTAssertThrowsError(try Template(parsing: "x {% if %}", location: nil)) { error in
            XCTAssertNil((error as? TemplateError)?.location)
        }
    }

    func testTemplateErrorConvertsToInputError() {
        let error = TemplateError.undefined(path: "a", reason: nil, suggestion: nil,
                                            location: SourceLocation(file: "f.yml", line: 2, column: 3))
        XCTAssertEqual(error.inputError.location, error.location)
        XCTAssertEqual(error.inputError.message, "undefined variable 'a'")
        XCTAssertNotNil(error.inputError.hint)
    }

    // MARK: Static references

    func testReferencedPathsForJoinCommandShapes() throws {
        XCTAssertEqual(try Template(parsing: "{{ hosts['k8s-master'].join_command }}", location: nil).referencedPaths,
                       [S.path("hosts", "k8s-master", "join_command")])
        XCTAssertEqual(try Template(parsing: "{{ groups.masters[0].join_command }}", location: nil).referencedPaths,
                       [S.path("groups", "masters", "0", "join_command")])
        XCTAssertEqual(try Template(parsing: "{{ hosts[groups.masters[0]].join_command | quote }}", location: nil).referencedPaths,
                       [S.path("hosts"), S.path("groups", "masters", "0")])
        XCTAssertEqual(S.path("hosts", "k8s-master", "join_command").description, "hosts['k8s-master'].join_command")
        XCTAssertEqual(S.path("groups", "masters", "0", "join_command").description, "groups.masters[0].join_command")
    }

    func testReferencedPathsAreUniqueAndOrdered() throws {
        let template = try Template(parsing: "{{ b }} {{ a.x }} {{ b }}", location: nil)
        XCTAssertEqual(template.referencedPaths, [S.path("b"), S.path("a", "x")])
    }

    func testRequiredPathsLeaveOutGuardedOnes() throws {
        let template = try Template(
            parsing: "{{ a }} {{ b.c | default(d) }} {{ cfg is defined and cfg.port > 0 }} {{ e['f'] }}", location: nil)
        XCTAssertEqual(template.referencedPaths,
                       [S.path("a"), S.path("b", "c"), S.path("d"), S.path("cfg"), S.path("cfg", "port"), S.path("e", "f")])
        XCTAssertEqual(template.requiredPaths, [S.path("a"), S.path("e", "f")])
        let condition = try Expression(parsing: "x in groups.masters and y is not defined", location: nil)
        XCTAssertEqual(condition.requiredPaths, [S.path("x"), S.path("groups", "masters")])
    }

    func testIsConstant() throws {
        XCTAssertTrue(try Template(parsing: "echo {{ '{{' }} hi", location: nil).isConstant)
        XCTAssertTrue(try Template(parsing: "plain", location: nil).isConstant)
        XCTAssertFalse(try Template(parsing: "echo {{ x | default('') }}", location: nil).isConstant)
    }

    // MARK: Scopes

    private struct Deferred: Error, Equatable { var name: String }

    /// A scope like the scheduler's: `hosts` is not produced yet.
    private struct DeferringScope: VariableScope {
        func lookup(_ name: String) throws -> VariableValue? {
            if name == "hosts" { throw Deferred(name: name) }
            return name == "ready" ? .string("yes") : nil
        }
        var knownNames: [String] { ["ready", "hosts"] }
    }

    func testScopeErrorsPropagateUnchanged() throws {
        for source in ["{{ hosts['m'].join_command }}", "{{ hosts.m | default('x') }}",
                       "{{ hosts is defined }}", "{{ ready }} {{ hosts }}"] {
            let template = try Template(parsing: source, location: nil)
            XCTAssertThrowsError(try template.render(in: DeferringScope()), source) { error in
                XCTAssertEqual(error as? Deferred, Deferred(name: "hosts"), source)
            }
        }
        XCTAssertEqual(try Template(parsing: "{{ ready }}", location: nil).render(in: DeferringScope()), "yes")
        XCTAssertThrowsError(try Template(parsing: "{{ redy }}", location: nil).render(in: DeferringScope())) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "undefined variable 'redy' (did you mean 'ready'?)")
        }
    }

    func testSecretUseIsReported() throws {
        let scope = DictionaryScope(
            ["hosts": .map(["k8s-master": .map(["join_command": .string("kubeadm join --token s3cr3t"), "ip": .string("10.0.0.1")])]),
             "pod_cidr": .string("10.244.0.0/16")],
            secretPaths: [S.path("hosts", "k8s-master", "join_command")])
        let join = try Template(parsing: "{{ hosts['k8s-master'].join_command }}", location: nil).renderDetailed(in: scope)
        XCTAssertEqual(join, RenderResult(text: "kubeadm join --token s3cr3t", usedSecrets: true))
        XCTAssertTrue(try Template(parsing: "{{ hosts['k8s-master'] }}", location: nil).renderDetailed(in: scope).usedSecrets)
        XCTAssertTrue(try Template(parsing: "{{ hosts[name].join_command | quote }}", location: nil)
            .renderDetailed(in: DictionaryScope(scope.values.merging(["name": .string("k8s-master")]) { $1 },
                                                secretPaths: scope.secretPaths)).usedSecrets)
        XCTAssertFalse(try Template(parsing: "{{ hosts['k8s-master'].ip }} {{ pod_cidr }}", location: nil)
            .renderDetailed(in: scope).usedSecrets)
    }
}
