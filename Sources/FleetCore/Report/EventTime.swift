import Foundation

/// Times in events: ISO 8601 in UTC with milliseconds (`2026-03-01T12:00:03.250Z`), so lines
/// sort as text and tools in any language parse them.
public enum EventTime {
    public static func string(_ date: Date) -> String {
        // To the nearest millisecond; the formatter cuts off, and a time read back from text
        // (…868 as 0.8679999…) must print the same again.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        return Date(timeIntervalSince1970: milliseconds / 1000 + 0.000_000_2).formatted(style)
    }

    public static func date(_ text: String) -> Date? {
        try? style.parse(text)
    }

    private static var style: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    }
}
