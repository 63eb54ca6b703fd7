import XCTest
import FleetCore
import FleetTestSupport

/// `quote` must survive a real POSIX shell: what `sh -c` receives as one word is exactly
/// the original string, whatever it contains.
final class TemplateQuoteShellTests: XCTestCase {
    private let nastyStrings = [
        "plain", "", "it's", "''", "'", "\"double\" quotes", "$(echo injected)", "`id`", "${HOME}", "$HOME",
        "a\\b\\\\c", "line one\nline two\n", "\n", "tab\there", "héllo wörld 🚀 日本語", "-n", "--help", "*",
        "; rm -rf /tmp/nothing-here", "a && b || c | d > e < f", "!history", "x'y\"z$(w)`v`\\u'",
        "trailing space ", " leading", "~", "#comment",
    ]

    func testQuotedValuesRoundTripThroughSh() throws {
        let template = try Template(parsing: "printf %s {{ value | quote }}", location: nil)
        for value in nastyStrings {
            let command = try template.render(in: DictionaryScope(["value": .string(value)]))
            XCTAssertEqual(try runShell(command), value, "command: \(command)")
        }
    }

    func testQuotedListJoinRoundTripsAsSeparateWords() throws {
        let words = ["a b", "it's", "$(x)"]
        let template = try Template(
            parsing: "for w in {{ words[0] | quote }} {{ words[1] | quote }} {{ words[2] | quote }}; do printf '[%s]' \"$w\"; done",
            location: nil)
        let command = try template.render(in: DictionaryScope(["words": .list(words.map(VariableValue.string))]))
        XCTAssertEqual(try runShell(command), words.map { "[\($0)]" }.joined())
    }

    /// Runs `command` with `/bin/sh -c` and returns its standard output exactly.
    private func runShell(_ command: String) throws -> String {
        let (status, stdout) = try LocalShell.run(command)
        XCTAssertEqual(status, 0, "sh -c \(command)")
        return stdout
    }
}
