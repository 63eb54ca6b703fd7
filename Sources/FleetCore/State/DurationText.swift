import Foundation

/// Durations as people write and read them: `23h`, `90m`, `1h30m`, `2d`, or plain seconds.
///
/// Playbooks give a capture's time-to-live this way (`ttl: 23h`) and `fleet state` shows ages
/// and expiries the same way, so one type parses and formats both and they cannot drift apart.
public enum DurationText {
    /// Seconds per unit letter, largest first (the order `format` uses).
    private static let units: [(letter: Character, seconds: Double)] = [
        ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// Seconds in `text`, or nil when it is not a duration.
    ///
    /// Accepts a plain non-negative number of seconds (`45`, `1.5`) or one or more
    /// number-unit pairs with units `d`, `h`, `m`, `s` (`2d`, `1h30m`, `1h 30m`, `1.5h`).
    /// Each unit may appear once, largest first, so a typo such as `30m1h` is refused
    /// rather than guessed at.
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let plain = Double(trimmed) {
            return plain >= 0 && plain.isFinite && trimmed.allSatisfy({ $0.isNumber || $0 == "." }) ? plain : nil
        }
        var total = 0.0
        var number = ""
        var nextUnit = units.startIndex
        for character in trimmed {
            if character.isNumber || character == "." {
                number.append(character)
            } else if character == " " {
                guard number.isEmpty else { return nil }
            } else {
                let letter = Character(character.lowercased())
                guard let unit = units[nextUnit...].firstIndex(where: { $0.letter == letter }),
                      let amount = Double(number) else { return nil }
                total += amount * units[unit].seconds
                nextUnit = unit + 1
                number = ""
            }
        }
        return number.isEmpty ? total : nil
    }

    /// `seconds` as its two largest non-zero units: `22h 59m`, `5m 3s`, `12s`, `2d 3h`.
    ///
    /// Rounded down to whole seconds; negative durations show as `0s` (a clock that moved back
    /// must not print nonsense). Two units are precise enough to read at a glance.
    public static func format(_ seconds: Double) -> String {
        var remaining = seconds.isFinite ? max(0, Int(seconds.rounded(.down))) : 0
        var shown: [String] = []
        var unitsTaken = 0
        for unit in units where unitsTaken < 2 {
            let size = Int(unit.seconds)
            let amount = remaining / size
            remaining %= size
            if amount > 0 { shown.append("\(amount)\(unit.letter)") }
            if amount > 0 || unitsTaken > 0 { unitsTaken += 1 }
        }
        return shown.isEmpty ? "0s" : shown.joined(separator: " ")
    }
}
