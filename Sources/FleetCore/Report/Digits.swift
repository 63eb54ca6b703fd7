import Foundation

/// Integers as fixed-width text, for names and times written on every task of a run.
///
/// Why not `String(format:)` or a date format style: each call goes through `CVarArg` boxing
/// or a formatter, and the first use of each looks up protocol conformances across the
/// whole binary; these run per event and per task.
public enum Digits {
    /// `value` in decimal, zero-padded on the left to `width` digits (`7`, 2 → `07`).
    public static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    /// `value` in lower-case hexadecimal, zero-padded to `width` digits (`0x1f`, 4 → `001f`).
    public static func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The calendar fields of `date` in UTC (`utc`) or the machine's time zone.
    static func calendarFields(_ date: Date, utc: Bool) -> tm {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var fields = tm()
        if utc { gmtime_r(&seconds, &fields) } else { localtime_r(&seconds, &fields) }
        return fields
    }
}
