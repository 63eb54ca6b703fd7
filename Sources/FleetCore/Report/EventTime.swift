import Foundation

/// Times in events: ISO 8601 in UTC with milliseconds (`2026-03-01T12:00:03.250Z`), so lines
/// sort as text and tools in any language parse them.
public enum EventTime {
    public static func string(_ date: Date) -> String {
        // To the nearest millisecond, so that a time read back from text (…868 as
        // 0.8679999…) prints the same again. Written by hand: this runs three times per task
        // and host, and a format style cost more than the rest of the event.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = fraction < 0 ? seconds - 1 : seconds
        let fields = Digits.calendarFields(Date(timeIntervalSince1970: Double(whole)), utc: true)
        return Digits.padded(Int(fields.tm_year) + 1900, width: 4) + "-" + Digits.padded(Int(fields.tm_mon) + 1, width: 2)
            + "-" + Digits.padded(Int(fields.tm_mday), width: 2) + "T" + Digits.padded(Int(fields.tm_hour), width: 2)
            + ":" + Digits.padded(Int(fields.tm_min), width: 2) + ":" + Digits.padded(Int(fields.tm_sec), width: 2)
            + "." + Digits.padded(Int(fraction < 0 ? fraction + 1000 : fraction), width: 3) + "Z"
    }

    public static func date(_ text: String) -> Date? {
        try? style.parse(text)
    }

    private static var style: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    }
}
