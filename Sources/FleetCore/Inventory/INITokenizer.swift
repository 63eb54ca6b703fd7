/// Splits one line of an Ansible INI inventory into words the way Ansible does (POSIX shell
/// rules: blanks separate, quotes group and are removed, `#` starts a comment), keeping each
/// word's column for error messages.
enum INITokenizer {
    struct Token: Equatable {
        var text: String
        /// 1-based column of the word's first character.
        var column: Int
        /// Whether any part of the word was quoted (a quoted value stays a string).
        var quoted: Bool
    }

    /// - Throws: `InputError` at the opening quote when a quote is not closed.
    static func tokens(of line: String, file: String, lineNumber: Int) throws -> [Token] {
        var tokens: [Token] = []
        var current: Token?
        var quote: (char: Character, column: Int)?
        var escaped = false
        var column = 0

        func append(_ char: Character) {
            if current == nil { current = Token(text: "", column: column, quoted: false) }
            current!.text.append(char)
        }
        for char in line {
            column += 1
            if escaped {
                append(char)
                escaped = false
                continue
            }
            if let open = quote {
                if char == open.char {
                    quote = nil
                } else if char == "\\" && open.char == "\"" {
                    escaped = true
                } else {
                    append(char)
                }
                continue
            }
            switch char {
            case " ", "\t":
                if let token = current { tokens.append(token) }
                current = nil
            case "#" where current == nil:
                return tokens
            case "'", "\"":
                if current == nil { current = Token(text: "", column: column, quoted: true) }
                current!.quoted = true
                quote = (char, column)
            case "\\":
                escaped = true
            default:
                append(char)
            }
        }
        if let open = quote {
            throw InputError("unterminated quote \(open.char)", at: SourceLocation(file: file, line: lineNumber, column: open.column))
        }
        if let token = current { tokens.append(token) }
        return tokens
    }
}
