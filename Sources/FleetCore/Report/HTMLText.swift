import Foundation

/// Text made safe for HTML: every event text (task names, output, messages) goes through
/// here before it is put into the report, as element text or an attribute value.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `0.25s`, `12.3s`, `2m05s`.
    static func seconds(_ value: Double) -> String {
        if value < 10 { return String(format: "%.2fs", value) }
        if value < 120 { return String(format: "%.1fs", value) }
        let whole = Int(value.rounded())
        return String(format: "%dm%02ds", whole / 60, whole % 60)
    }

    /// A time as the events write it (UTC, milliseconds), so it can be found in `run.jsonl`.
    static func time(_ date: Date) -> String {
        EventTime.string(date)
    }
}
