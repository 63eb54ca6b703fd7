import XCTest
import FleetCore

/// Each filter on its own, including the errors it gives for the wrong kind of value.
final class TemplateFilterTests: XCTestCase {
    private func render(_ source: String, _ vars: [String: VariableValue] = [:]) throws -> String {
        try TemplateTestSupport.render(source, vars)
    }

    func testDefault() throws {
        XCTAssertEqual(try render("{{ x | default('d') }}"), "d")
        XCTAssertEqual(try render("{{ x | default('d') }}", ["x": .string("v")]), "v")
        XCTAssertEqual(try render("[{{ x | default }}]"), "[]")
        XCTAssertEqual(try render("{{ x | default(0, true) }}", ["x": .string("")]), "0")
        XCTAssertEqual(try render("{{ x | default(0) }}", ["x": .bool(false)]), "false")
        XCTAssertEqual(try render("{{ a.b.c | default('deep') }}", ["a": .map([:])]), "deep")
        XCTAssertEqual(try render("{{ a[1].c | default('deep') }}", ["a": .list([.int(1)])]), "deep")
        // The argument is evaluated only when needed.
        XCTAssertEqual(try render("{{ x | default(undefined_thing) }}", ["x": .int(1)]), "1")
    }

    func testTrim() throws {
        XCTAssertEqual(try render("[{{ x | trim }}]", ["x": .string(" \t a b \n")]), "[a b]")
        XCTAssertEqual(try render("[{{ 5 | trim }}]"), "[5]")
    }

    func testQuote() throws {
        XCTAssertEqual(try render("{{ 'simple' | quote }}"), "simple")
        XCTAssertEqual(try render("{{ 'two words' | quote }}"), "'two words'")
        XCTAssertEqual(try render("{{ x | quote }}", ["x": .string("it's")]), #"'it'"'"'s'"#)
        XCTAssertEqual(try render("{{ '' | quote }}"), "''")
        XCTAssertEqual(try render("{{ x | quote }}", ["x": .string("$(rm -rf /)")]), "'$(rm -rf /)'")
        XCTAssertEqual(ShellQuoting.quote("héllo"), "'héllo'")
    }

    func testJoin() throws {
        let vars: [String: VariableValue] = ["xs": .list([.string("a"), .int(2), .bool(true)])]
        XCTAssertEqual(try render("{{ xs | join(' ') }}", vars), "a 2 true")
        XCTAssertEqual(try render("{{ xs | join }}", vars), "a2true")
        XCTAssertEqual(try render("{{ [] | join(',') }}"), "")
        XCTAssertThrowsError(try render("{{ 5 | join }}")) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "filter 'join' needs a list, got an integer (5)")
        }
    }

    func testLowerUpper() throws {
        XCTAssertEqual(try render("{{ 'ÉtÉ Ok' | lower }}"), "été ok")
        XCTAssertEqual(try render("{{ 'été ok' | upper }}"), "ÉTÉ OK")
    }

    func testRegexSearch() throws {
        let output: VariableValue = .string("""
            Your Kubernetes control-plane has initialized successfully!
            kubeadm join 10.0.0.1:6443 --token abc.def --discovery-token-ca-cert-hash sha256:00ff
            """)
        XCTAssertEqual(
            try render("{{ out | regex_search('(?m)^(kubeadm join .+)$') }}", ["out": output]),
            "kubeadm join 10.0.0.1:6443 --token abc.def --discovery-token-ca-cert-hash sha256:00ff")
        XCTAssertEqual(try render("{{ out | regex_search('--token (\\S+)') }}", ["out": output]), "abc.def")
        XCTAssertEqual(try render("{{ out | regex_search('sha256:[0-9a-f]+') }}", ["out": output]), "sha256:00ff")
        XCTAssertEqual(try TemplateTestSupport.evaluate("out | regex_search('nothing')", ["out": output]), .null)
        XCTAssertThrowsError(try render("{{ 'x' | regex_search('[') }}")) { error in
            guard case .invalidRegex(let pattern, _, _)? = error as? TemplateError else {
                return XCTFail("expected invalidRegex, got \(error)")
            }
            XCTAssertEqual(pattern, "[")
        }
    }

    func testB64encode() throws {
        XCTAssertEqual(try render("{{ 'user:pässword' | b64encode }}"), "dXNlcjpww6Rzc3dvcmQ=")
        XCTAssertEqual(try render("{{ '' | b64encode }}"), "")
    }

    func testInt() throws {
        XCTAssertEqual(try TemplateTestSupport.evaluate("'17' | int"), .int(17))
        XCTAssertEqual(try TemplateTestSupport.evaluate("' -3 ' | int"), .int(-3))
        XCTAssertEqual(try TemplateTestSupport.evaluate("2.7 | int"), .int(2))
        XCTAssertEqual(try TemplateTestSupport.evaluate("true | int"), .int(1))
        XCTAssertThrowsError(try TemplateTestSupport.evaluate("'twelve' | int"))
        XCTAssertThrowsError(try TemplateTestSupport.evaluate("[1] | int"))
    }

    func testString() throws {
        XCTAssertEqual(try TemplateTestSupport.evaluate("42 | string"), .string("42"))
        XCTAssertEqual(try TemplateTestSupport.evaluate("none | string"), .string(""))
        XCTAssertEqual(try TemplateTestSupport.evaluate("['a'] | string"), .string(#"["a"]"#))
    }

    func testLength() throws {
        XCTAssertEqual(try TemplateTestSupport.evaluate("'🚀ab' | length"), .int(3))
        XCTAssertEqual(try TemplateTestSupport.evaluate("xs | length", ["xs": .list([.null, .null])]), .int(2))
        XCTAssertEqual(try TemplateTestSupport.evaluate("m | length", ["m": .map(["a": .null])]), .int(1))
        XCTAssertThrowsError(try TemplateTestSupport.evaluate("3 | length")) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "filter 'length' needs a string, list or mapping, got an integer (3)")
        }
    }

    func testUnknownFilterListsKnownOnes() throws {
        XCTAssertThrowsError(try Template(parsing: "{{ x | shout }}", location: nil)) { error in
            guard let error = error as? TemplateError, case .unknownFilter(let name, nil, _) = error else {
                return XCTFail("expected unknownFilter without suggestion, got \(error)")
            }
            XCTAssertEqual(name, "shout")
            XCTAssertEqual(error.hint, "known filters: b64encode, default, int, join, length, lower, map, quote, regex_search, string, trim, upper")
            XCTAssertTrue(error.errorDescription?.contains("unknown filter 'shout'") ?? false)
        }
    }

    func testFilterArgumentCountIsCheckedWhenParsing() {
        XCTAssertThrowsError(try Template(parsing: "{{ x | trim(1) }}", location: nil)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "filter 'trim' takes 0 arguments, found 1")
        }
        XCTAssertThrowsError(try Template(parsing: "{{ x | default(1, 2, 3) }}", location: nil)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "filter 'default' takes 0 to 2 arguments, found 3")
        }
    }
}
