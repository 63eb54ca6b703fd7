/// One token of the expression language, with the character offset where it starts in the
/// template text (for error columns).
struct ExpressionToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A name, including the keywords `and`, `or`, `not`, `in`, `is`, `true`, `none`, ….
        case name(String)
        case string(String)
        case integer(Int)
        case double(Double)
        /// Punctuation and operators: `. , [ ] ( ) | == != < > <= >= -`.
        case symbol(String)
        /// The end of the expression: `}}` inside a template, or the end of a bare expression.
        case end
    }

    var kind: Kind
    var offset: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .name(let name): return "'\(name)'"
        case .string(let text): return "string '\(text)'"
        case .integer(let value): return "'\(value)'"
        case .double(let value): return "'\(value)'"
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "end of expression"
        }
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
    func isName(_ name: String) -> Bool { kind == .name(name) }
}
