import Foundation
import XCTest
@testable import FleetCore

/// The last lines of a task's output shown in events and summaries (`RunContext.excerpt`).
final class EngineExcerptTests: XCTestCase {
    /// What an excerpt is: the last `lines + 1` pieces between line breaks, trimmed, at most
    /// `characters` long.
    private func expected(_ text: String, lines: Int, characters: Int) -> String {
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
        let excerpt = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return excerpt.count <= characters ? excerpt : "…" + String(excerpt.suffix(characters))
    }

    func testExcerptKeepsTheLastLinesTrimmed() {
        XCTAssertEqual(RunContext.excerpt(""), "")
        XCTAssertEqual(RunContext.excerpt("one\n"), "one")
        XCTAssertEqual(RunContext.excerpt((1...9).map { "line \($0)" }.joined(separator: "\n") + "\n"),
                       "line 5\nline 6\nline 7\nline 8\nline 9")
        XCTAssertEqual(RunContext.excerpt("a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\n"), "a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng",
                       "CR LF is one Character: the whole text is one piece")
        XCTAssertEqual(RunContext.excerpt(String(repeating: "x", count: 3000)), "…" + String(repeating: "x", count: 2000))
    }

    func testExcerptMatchesItsDefinitionOnAssortedOutputs() {
        let pieces = ["", "\n", "\r\n", "\r", " ", "word", "é", "👍🏽", "\t", "\n\n", "a\u{301}", "x\n\u{301}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for (lines, characters) in [(5, 2000), (0, 3), (2, 5), (1, 1)] {
                XCTAssertEqual(RunContext.excerpt(text, lines: lines, characters: characters),
                               expected(text, lines: lines, characters: characters), "\(text.debugDescription) \(lines) \(characters)")
            }
        }
    }
}
