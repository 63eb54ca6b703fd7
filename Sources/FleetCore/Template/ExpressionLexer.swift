/// Splits expression text into tokens.
///
/// Inside a template the expression ends at the first `}}` that is not inside a string
/// literal, which is what lets `{{ '}}' }}` and `{{ '{{' }}` work; a bare expression (a
/// `when:` condition) ends with its text.
struct ExpressionLexer {
    private let characters: [Character]
    private var position: Int
    /// Offset of the `{{` that opened this expression; nil for a bare expression.
    private let openingOffset: Int?
    private let locator: TemplateLocator

    init(characters: [Character], start: Int, openingOffset: Int?, locator: TemplateLocator) {
        self.characters = characters
        self.position = start
        self.openingOffset = openingOffset
        self.locator = locator
    }

    /// All tokens up to and including `.end`, and the offset just past the expression
    /// (past the closing `}}` inside a template).
    mutating func tokenize() throws -> (tokens: [ExpressionToken], endOffset: Int) {
        var tokens: [ExpressionToken] = []
        while true {
            let token = try nextToken()
            tokens.append(token)
            if token.kind == .end { return (tokens, position) }
        }
    }

    private mutating func nextToken() throws -> ExpressionToken {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
        let start = position
        guard position < characters.count else {
            if let openingOffset {
                throw TemplateError.syntax(
                    "unterminated '{{': no matching '}}'", hint: "close the expression with '}}'",
                    location: locator.location(at: openingOffset))
            }
            return ExpressionToken(kind: .end, offset: start)
        }
        let character = characters[position]
        if character == "}", peek(1) == "}", openingOffset != nil {
            position += 2
            return ExpressionToken(kind: .end, offset: start)
        }
        if character == "'" || character == "\"" {
            return ExpressionToken(kind: .string(try stringLiteral(quote: character)), offset: start)
        }
        if character.isASCII, character.isNumber {
            return ExpressionToken(kind: number(), offset: start)
        }
        if character == "_" || (character.isASCII && character.isLetter) {
            while position < characters.count,
                  characters[position] == "_" || (characters[position].isASCII && (characters[position].isLetter || characters[position].isNumber)) {
                position += 1
            }
            return ExpressionToken(kind: .name(String(characters[start..<position])), offset: start)
        }
        for symbol in ["==", "!=", "<=", ">="] where peek(0) == symbol.first && peek(1) == symbol.last {
            position += 2
            return ExpressionToken(kind: .symbol(symbol), offset: start)
        }
        if ".,[]()|<>-=".contains(character) {
            position += 1
            return ExpressionToken(kind: .symbol(String(character)), offset: start)
        }
        throw unexpectedCharacter(character, at: start)
    }

    private func peek(_ ahead: Int) -> Character? {
        position + ahead < characters.count ? characters[position + ahead] : nil
    }

    /// A quoted string. Backslash escapes follow Python (`\n`, `\t`, `\\`, `\'`, `\"`); any
    /// other backslash is kept, so regular expressions like `'(\d+)'` need no doubling.
    private mutating func stringLiteral(quote: Character) throws -> String {
        let start = position
        position += 1
        var text = ""
        while position < characters.count {
            let character = characters[position]
            if character == quote {
                position += 1
                return text
            }
            if character == "\\", let next = peek(1) {
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\\", "'", "\"": text.append(next)
                default: text.append("\\"); text.append(next)
                }
                position += 2
                continue
            }
            text.append(character)
            position += 1
        }
        throw TemplateError.syntax(
            "unterminated string literal", hint: "close it with \(quote)", location: locator.location(at: start))
    }

    private mutating func number() -> ExpressionToken.Kind {
        let start = position
        while let next = peek(0), next.isASCII, next.isNumber { position += 1 }
        if peek(0) == ".", let after = peek(1), after.isASCII, after.isNumber {
            position += 1
            while let next = peek(0), next.isASCII, next.isNumber { position += 1 }
            return .double(Double(String(characters[start..<position])) ?? 0)
        }
        let digits = String(characters[start..<position])
        return Int(digits).map { .integer($0) } ?? .double(Double(digits) ?? 0)
    }

    private func unexpectedCharacter(_ character: Character, at offset: Int) -> TemplateError {
        if character == "{", peek(1) == "{", openingOffset == nil {
            return .syntax("a condition is an expression: write it without '{{ }}'",
                           location: locator.location(at: offset))
        }
        if character == "~" || character == "+" || character == "*" || character == "/" || character == "%" {
            return .syntax("operator '\(character)' is not supported",
                           hint: "fleet expressions support comparisons, 'in', 'and', 'or', 'not', 'is defined' and filters",
                           location: locator.location(at: offset))
        }
        return .syntax("unexpected character '\(character)'", location: locator.location(at: offset))
    }
}
