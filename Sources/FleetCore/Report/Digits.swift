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

    /// `value` with `decimals` digits after the point, as `%.Nf` writes it (`0.2871`, 2 →
    /// `0.29`); the durations on every result line.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = Int64(pow(10, Double(decimals)))
        let product = value.magnitude * Double(scale)
        // Beyond what an Int64 holds exactly (and inf, nan), printf's own way.
        guard value.isFinite, product < 1e15 else { return String(format: "%.\(decimals)f", value) }
        let units = Int64(roundedExactly(value.magnitude, times: Double(scale)))
        let sign = value.sign == .minus ? "-" : ""
        let whole = String(units / scale)
        return decimals == 0 ? sign + whole : sign + whole + "." + padded(Int(units % scale), width: decimals)
    }

    /// `value × scale` rounded to the nearest integer, ties to even, as printf rounds the exact
    /// binary value: `89.095` is stored as 89.09499…, so it gives 8909, where rounding the
    /// product (8909.5 in floating point) would give 8910. The product's rounding error,
    /// exact from a fused multiply-add, decides the cases that land on a half.
    private static func roundedExactly(_ value: Double, times scale: Double) -> Double {
        let product = value * scale
        let error = (-product).addingProduct(value, scale)
        let floor = product.rounded(.down)
        let fraction = product - floor
        let up = fraction > 0.5
            || (fraction == 0.5 && (error > 0 || (error == 0 && floor.truncatingRemainder(dividingBy: 2) == 1)))
        return up ? floor + 1 : floor
    }

    /// `date` to the whole second as year, month, day, then hour, minute, second, in UTC
    /// (`utc`) or the machine's time zone: `2026-11-22T01:35:02` with separators `-`, `T`, `:`.
    static func calendarText(_ date: Date, utc: Bool, dateSeparator: String, between: String, timeSeparator: String) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var fields = tm()
        if utc { gmtime_r(&seconds, &fields) } else { localtime_r(&seconds, &fields) }
        let day = [Int(fields.tm_year) + 1900, Int(fields.tm_mon) + 1, Int(fields.tm_mday)]
        let time = [Int(fields.tm_hour), Int(fields.tm_min), Int(fields.tm_sec)]
        return zip(day, [4, 2, 2]).map { padded($0, width: $1) }.joined(separator: dateSeparator) + between
            + time.map { padded($0, width: 2) }.joined(separator: timeSeparator)
    }
}
