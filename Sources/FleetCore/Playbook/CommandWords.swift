/// Splits a `command:` string into argv words the way a POSIX shell would quote them, without
/// running a shell: no variables, globs, pipes or redirections, only quoting.
///
/// `{{ ... }}` is kept whole inside its word (`{{ x | default('a b') }}` is not split at the
/// space), because templates are rendered per word after splitting.
enum CommandWords {
    struct Word: Equatable {
        var text: String
        /// Character offset where the word starts in the command text.
        var offset: Int
    }

    struct SplitError: Error {
        var message: String
        var offset: Int
    }

    static func split(_ text: String) throws -> [Word] {
        let characters = Array(text)
        var words: [Word] = []
        var current: Word?
        var index = 0
        func append(_ character: Character, at offset: Int) {
            if current == nil { current = Word(text: "", offset: offset) }
            current!.text.append(character)
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case " ", "\t", "\n":
                if let word = current { words.append(word) }
                current = nil
                index += 1
            case "{" where index + 1 < characters.count && characters[index + 1] == "{":
                let start = index
                guard let close = closingBraces(in: characters, from: index + 2) else {
                    throw SplitError(message: "'{{' without a closing '}}'", offset: start)
                }
                for offset in start..<close { append(characters[offset], at: start) }
                index = close
            case "'":
                let start = index
                if current == nil { current = Word(text: "", offset: start) }
                index += 1
                while index < characters.count, characters[index] != "'" {
                    current!.text.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw SplitError(message: "unterminated single quote", offset: start) }
                index += 1
            case "\"":
                let start = index
                if current == nil { current = Word(text: "", offset: start) }
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count, "\"\\$`".contains(characters[index + 1]) {
                        index += 1
                    }
                    current!.text.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw SplitError(message: "unterminated double quote", offset: start) }
                index += 1
            case "\\":
                guard index + 1 < characters.count else { throw SplitError(message: "'\\' at the end of the command", offset: index) }
                append(characters[index + 1], at: index)
                index += 2
            default:
                append(character, at: index)
                index += 1
            }
        }
        if let word = current { words.append(word) }
        return words
    }

    /// The index just past the `}}` that closes a `{{` whose body starts at `start`.
    private static func closingBraces(in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "}", characters[index + 1] == "}" { return index + 2 }
            index += 1
        }
        return nil
    }
}
