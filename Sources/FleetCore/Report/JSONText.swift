/// JSON text of a `JSONNode` on one line: object keys in sorted order, `/` not escaped, and
/// only what JSON requires escaped (`"`, `\` and control characters), as `JSONEncoder` with
/// `.sortedKeys` and `.withoutEscapingSlashes` writes it.
enum JSONText {
    static func write(_ node: JSONNode, to text: inout String) {
        switch node {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let digits): text += digits
        case .string(let string): writeString(string, to: &text)
        case .later(let encoder): write(encoder.node, to: &text)
        case .array(let array):
            text += "["
            for (index, item) in array.items.enumerated() {
                if index > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object(let object):
            text += "{"
            // Keys are snake_case ASCII, for which byte order is the order `.sortedKeys` gives.
            for (index, key) in object.fields.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                writeString(key, to: &text)
                text += ":"
                write(object.fields[key]!, to: &text)
            }
            text += "}"
        }
    }

    static func writeString(_ string: String, to text: inout String) {
        text += "\""
        var plainStart = string.utf8.startIndex
        let utf8 = string.utf8
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
