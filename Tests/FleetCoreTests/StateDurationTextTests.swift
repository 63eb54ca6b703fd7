import XCTest
@testable import FleetCore

final class StateDurationTextTests: XCTestCase {
    func testParsesUnitsCombinationsAndPlainSeconds() {
        let table: [(String, Double?)] = [
            ("23h", 82_800), ("90m", 5_400), ("30s", 30), ("2d", 172_800), ("1h30m", 5_400),
            ("1h 30m", 5_400), ("1d2h3m4s", 93_784), ("45", 45), ("1.5", 1.5), ("1.5h", 5_400),
            ("0", 0), ("0s", 0), (" 10m ", 600), ("2H", 7_200),
        ]
        for (text, expected) in table {
            XCTAssertEqual(DurationText.parse(text), expected, "parse(\"\(text)\")")
        }
    }

    func testRefusesWhatIsNotADuration() {
        for text in ["", "  ", "h", "10x", "1h30", "30m1h", "1h1h", "-5", "-5m", "1e3", "abc", "1 h", "inf", "nan"] {
            XCTAssertNil(DurationText.parse(text), "parse(\"\(text)\") should be nil")
        }
    }

    func testFormatsTwoLargestUnits() {
        let table: [(Double, String)] = [
            (0, "0s"), (12, "12s"), (12.9, "12s"), (303, "5m 3s"), (60, "1m"), (3_600, "1h"),
            (3_605, "1h"), (82_740, "22h 59m"), (82_799, "22h 59m"), (90_000, "1d 1h"),
            (172_800, "2d"), (176_460, "2d 1h"), (-30, "0s"), (.infinity, "0s"),
        ]
        for (seconds, expected) in table {
            XCTAssertEqual(DurationText.format(seconds), expected, "format(\(seconds))")
        }
    }

    func testFormatReadsBackAsTheSameWholeDuration() {
        for text in ["23h", "5m 3s", "12s", "2d 3h"] {
            XCTAssertEqual(DurationText.format(DurationText.parse(text)!), text)
        }
    }
}
