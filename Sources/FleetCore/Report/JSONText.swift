/// Pieces of JSON text as `JSONEncoder` writes them with `.withoutEscapingSlashes`.
enum JSONText {
    /// `string` as a JSON string: only what JSON requires is escaped (`"`, `\` and control
    /// characters); `/` and non-ASCII characters are written as they are.
    static func quoted(_ string: String) -> String {
        var text = "\""
        let utf8 = string.utf8
        var plainStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                text += string[plainStart..<index]
                text += escape(byte)
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text += string[plainStart..<utf8.endIndex]
        text += "\""
        return text
    }

    /// A number as `JSONEncoder` writes a `Double` (`2.0` as `2`), and non-finite ones as the
    /// strings of the `.convertToString` strategy the event format uses.
    static func number(_ value: Double) -> String {
        if value.isNaN { return quoted("nan") }
        if value.isInfinite { return quoted(value < 0 ? "-inf" : "inf") }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        default:
            let hex = Array("0123456789abcdef")
            return "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
        }
    }
}
