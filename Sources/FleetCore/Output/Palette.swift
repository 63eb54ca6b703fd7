/// Colours for what fleet prints, or none: every renderer paints through one of these, so
/// turning colour off is one switch and plain output has no escape codes at all.
public struct Palette: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        case ok, changed, skipped, failed, header, dim

        /// The ANSI SGR parameter.
        var code: String {
            switch self {
            case .ok: return "32"
            case .changed: return "33"
            case .skipped: return "36"
            case .failed: return "31"
            case .header: return "1"
            case .dim: return "2"
            }
        }
    }

    public let colored: Bool

    public init(colored: Bool) { self.colored = colored }

    public static let plain = Palette(colored: false)

    /// `text` in `style`, or `text` unchanged without colour.
    public func paint(_ text: String, _ style: Style?) -> String {
        guard colored, let style, !text.isEmpty else { return text }
        return "\u{1B}[\(style.code)m\(text)\u{1B}[0m"
    }

    /// The colour of a status: green ok, yellow changed, cyan skipped, red failed/unreachable.
    public static func style(for status: HostStatus) -> Style {
        switch status {
        case .ok: return .ok
        case .changed: return .changed
        case .skipped: return .skipped
        case .failed, .unreachable: return .failed
        }
    }
}

extension String {
    /// The text without ANSI escape sequences: what a person sees, for widths and tests.
    public var withoutANSI: String {
        var result = ""
        var escaping = false
        for character in self {
            if escaping {
                if character.isLetter { escaping = false }
            } else if character == "\u{1B}" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    /// The text cut to `width` visible characters, escape sequences kept (and colour reset
    /// when the cut falls inside a painted part), so a line never wraps in the live view.
    public func truncated(toVisible width: Int) -> String {
        guard withoutANSI.count > width else { return self }
        var result = ""
        var visible = 0
        var escaping = false
        for character in self {
            if escaping {
                result.append(character)
                if character.isLetter { escaping = false }
            } else if character == "\u{1B}" {
                escaping = true
                result.append(character)
            } else {
                guard visible < max(0, width - 1) else { break }
                result.append(character)
                visible += 1
            }
        }
        return result + "…" + (result.contains("\u{1B}") ? "\u{1B}[0m" : "")
    }
}
