import XCTest
import FleetCore

/// Runs every case in `Fixtures/template/cases.yml` and reports each failing one by name.
final class TemplateFixtureTests: XCTestCase {
    private struct Case {
        var name: String
        var template: String?
        var expression: String?
        var vars: [String: VariableValue]
        var expect: String?
        var error: String?
        var column: Int?
    }

    func testFixtureCases() throws {
        let cases = try loadCases()
        XCTAssertGreaterThan(cases.count, 50, "the fixture file should hold the full set of cases")
        for testCase in cases {
            if let failure = run(testCase) {
                XCTFail("case '\(testCase.name)': \(failure)")
            }
        }
    }

    /// Nil when the case passes, else what went wrong.
    private func run(_ testCase: Case) -> String? {
        let location = SourceLocation(file: "cases.yml", line: 1, column: 1)
        let scope = DictionaryScope(testCase.vars)
        do {
            let output: String
            if let source = testCase.template {
                output = try Template(parsing: source, location: location).render(in: scope)
            } else {
                output = try Expression(parsing: testCase.expression ?? "", location: location).evaluate(in: scope).text
            }
            if let expected = testCase.expect, output != expected {
                return "expected \(expected.debugDescription), got \(output.debugDescription)"
            }
            if let error = testCase.error {
                return "expected an error containing \(error.debugDescription), got output \(output.debugDescription)"
            }
            return nil
        } catch let error as TemplateError {
            guard let expected = testCase.error else { return "unexpected error: \(error.message)" }
            let description = error.errorDescription ?? ""
            if !description.contains(expected) {
                return "expected error containing \(expected.debugDescription), got \(description.debugDescription)"
            }
            if let column = testCase.column, error.location?.column != column {
                return "expected error at column \(column), got \(error.location.map(String.init(describing:)) ?? "no location")"
            }
            return nil
        } catch {
            return "unexpected non-template error: \(error)"
        }
    }

    private func loadCases() throws -> [Case] {
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let file = try YAMLFile(contentsOf: fixtures.appendingPathComponent("template/cases.yml").path)
        let root = try XCTUnwrap(file.root)
        return try file.sequence(root, what: "cases").map { node in
            var testCase = Case(name: "", vars: [:])
            let allowed = ["name", "template", "expression", "vars", "expect", "error", "column"]
            for entry in try file.strictMapping(node, what: "case", allowed: allowed) {
                switch entry.key {
                case "name": testCase.name = try file.string(entry.value, what: "name")
                case "template": testCase.template = try file.string(entry.value, what: "template")
                case "expression": testCase.expression = try file.string(entry.value, what: "expression")
                case "expect": testCase.expect = try file.string(entry.value, what: "expect")
                case "error": testCase.error = try file.string(entry.value, what: "error")
                case "column": testCase.column = try file.int(entry.value, what: "column")
                default:
                    guard case .map(let vars) = YAMLFile.value(of: entry.value) else {
                        throw file.error("vars must be a mapping", at: entry.value)
                    }
                    testCase.vars = vars
                }
            }
            if (testCase.template == nil) == (testCase.expression == nil) {
                throw file.error("case '\(testCase.name)' needs exactly one of template or expression", at: node)
            }
            if (testCase.expect == nil) == (testCase.error == nil) {
                throw file.error("case '\(testCase.name)' needs exactly one of expect or error", at: node)
            }
            return testCase
        }
    }
}
