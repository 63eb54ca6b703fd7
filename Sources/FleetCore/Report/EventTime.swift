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
        return Digits.calendarText(Date(timeIntervalSince1970: Double(whole)), utc: true,
                                   dateSeparator: "-", between: "T", timeSeparator: ":")
            + "." + Digits.padded(Int(fraction < 0 ? fraction + 1000 : fraction), width: 3) + "Z"
    }

    /// To the whole second, as `ISO8601DateFormatter` writes it (`2026-03-01T12:00:03Z`): the
    /// keeper's log and a capture's expiry. That formatter's first use in a process costs about
    /// a millisecond (ICU loads its calendar), and the keeper's first line comes at the end of
    /// a first run, before the command the user started may exit.
    public static func seconds(_ date: Date) -> String {
        Digits.calendarText(date, utc: true, dateSeparator: "-", between: "T", timeSeparator: ":") + "Z"
    }

    public static func date(_ text: String) -> Date? {
        try? style.parse(text)
    }

    private static var style: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    }
}
