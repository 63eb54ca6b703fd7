import Foundation

/// Builds an `ExpressionNode` from tokens, with Jinja's precedence, lowest first:
/// `or`, `and`, `not`, comparisons and `in` / `not in`, then filters (`|`) and tests (`is`),
/// then keys and indices. So `not a in b` is `not (a in b)` and `a or b and c` is
/// `a or (b and c)`.
struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private let characters: [Character]
    let locator: TemplateLocator
    private var index = 0

    private static let keywords: Set<String> = ["and", "or", "not", "in", "is"]
    private static let constants: [String: VariableValue] = [
        "true": .bool(true), "True": .bool(true), "false": .bool(false), "False": .bool(false),
        "none": .null, "None": .null,
    ]
    private static let comparisons: [String: ComparisonOperator] = [
        "==": .equal, "!=": .notEqual, "<": .less, ">": .greater, "<=": .lessOrEqual, ">=": .greaterOrEqual,
    ]

    init(tokens: [ExpressionToken], characters: [Character], locator: TemplateLocator) {
        self.tokens = tokens
        self.characters = characters
        self.locator = locator
    }

    /// Parses the whole token list as one expression.
    mutating func parseExpression() throws -> ExpressionNode {
        if current.kind == .end {
            throw syntax("empty expression", hint: "write a variable or value between '{{' and '}}'", at: current)
        }
        let node = try parseOr()
        guard current.kind == .end else { throw unexpectedAfterExpression() }
        return node
    }

    // MARK: Precedence levels

    mutating func parseOr() throws -> ExpressionNode {
        var node = try parseAnd()
        while current.isName("or") {
            advance()
            node = ExpressionNode(kind: .or(node, try parseAnd()), offset: node.offset)
        }
        return node
    }

    private mutating func parseAnd() throws -> ExpressionNode {
        var node = try parseNot()
        while current.isName("and") {
            advance()
            node = ExpressionNode(kind: .and(node, try parseNot()), offset: node.offset)
        }
        return node
    }

    private mutating func parseNot() throws -> ExpressionNode {
        guard current.isName("not") else { return try parseComparison() }
        let offset = current.offset
        advance()
        return ExpressionNode(kind: .not(try parseNot()), offset: offset)
    }

    private mutating func parseComparison() throws -> ExpressionNode {
        let left = try parseUnary()
        guard let op = comparisonOperator() else { return left }
        let node = ExpressionNode(kind: .compare(op, left, try parseUnary()), offset: left.offset)
        if comparisonOperator() != nil {
            throw syntax("chained comparisons are not supported", hint: "combine them with 'and'", at: current)
        }
        return node
    }

    /// Consumes a comparison operator (`==`, …, `in`, `not in`) if one comes next.
    private mutating func comparisonOperator() -> ComparisonOperator? {
        if case .symbol(let symbol) = current.kind, let op = Self.comparisons[symbol] {
            advance()
            return op
        }
        if current.isName("in") {
            advance()
            return .contains
        }
        if current.isName("not"), peek.isName("in") {
            advance(by: 2)
            return .notContains
        }
        return nil
    }

    private mutating func parseUnary() throws -> ExpressionNode {
        let start = current
        var node = try parseAccessors(on: try parsePrimary(), startingAt: start)
        while true {
            if current.isSymbol("|") {
                node = try parseFilter(on: node)
            } else if current.isName("is") {
                node = try parseTest(on: node)
            } else {
                return node
            }
        }
    }

    // MARK: Values

    private mutating func parsePrimary() throws -> ExpressionNode {
        let token = current
        switch token.kind {
        case .string(let text):
            advance()
            return ExpressionNode(kind: .literal(.string(text)), offset: token.offset)
        case .integer(let value):
            advance()
            return ExpressionNode(kind: .literal(.int(value)), offset: token.offset)
        case .double(let value):
            advance()
            return ExpressionNode(kind: .literal(.double(value)), offset: token.offset)
        case .name(let name):
            if let constant = Self.constants[name] {
                advance()
                return ExpressionNode(kind: .literal(constant), offset: token.offset)
            }
            if Self.keywords.contains(name) {
                throw syntax("expected a value, found keyword '\(name)'", at: token)
            }
            advance()
            return ExpressionNode(kind: .reference(name: name, accessors: []), offset: token.offset)
        case .symbol("-"):
            advance()
            switch current.kind {
            case .integer(let value):
                advance()
                return ExpressionNode(kind: .literal(.int(-value)), offset: token.offset)
            case .double(let value):
                advance()
                return ExpressionNode(kind: .literal(.double(-value)), offset: token.offset)
            default:
                throw syntax("'-' is only allowed before a number", hint: "arithmetic and whitespace control ('{{-') are not supported", at: token)
            }
        case .symbol("["):
            advance()
            var items: [ExpressionNode] = []
            while !current.isSymbol("]") {
                items.append(try parseOr())
                if current.isSymbol(",") { advance() } else if !current.isSymbol("]") {
                    throw syntax("expected ',' or ']' in list, found \(current.display)", at: current)
                }
            }
            advance()
            return ExpressionNode(kind: .list(items), offset: token.offset)
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expect(")", closing: "(", at: token)
            return inner
        default:
            throw syntax("expected a value, found \(token.display)", at: token)
        }
    }

    /// `.name`, `.0` and `[expression]` steps after a value.
    private mutating func parseAccessors(on base: ExpressionNode, startingAt start: ExpressionToken) throws -> ExpressionNode {
        var accessors: [Accessor] = []
        while true {
            if current.isSymbol(".") {
                advance()
                switch current.kind {
                case .name(let name): accessors.append(.member(name, offset: current.offset))
                case .integer(let value): accessors.append(.member(String(value), offset: current.offset))
                default: throw syntax("expected a name after '.', found \(current.display)", at: current)
                }
                advance()
            } else if current.isSymbol("[") {
                let open = current
                advance()
                accessors.append(.index(try parseOr()))
                try expect("]", closing: "[", at: open)
            } else {
                break
            }
        }
        if accessors.isEmpty { return base }
        if case .reference(let name, let existing) = base.kind {
            return ExpressionNode(kind: .reference(name: name, accessors: existing + accessors), offset: base.offset)
        }
        let baseText = String(characters[start.offset..<accessors[0].offset])
            .trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".[")))
        return ExpressionNode(kind: .access(base: base, baseText: baseText, accessors: accessors), offset: base.offset)
    }

    // MARK: Tokens

    var current: ExpressionToken { tokens[index] }
    var peek: ExpressionToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance(by count: Int = 1) {
        index = min(index + count, tokens.count - 1)
    }

    mutating func expect(_ symbol: String, closing opener: String, at open: ExpressionToken) throws {
        guard current.isSymbol(symbol) else {
            throw syntax("expected '\(symbol)' to close '\(opener)', found \(current.display)",
                         hint: locator.location(at: open.offset).map { "the '\(opener)' is at \($0)" }, at: current)
        }
        advance()
    }

    private func unexpectedAfterExpression() -> TemplateError {
        let token = current
        if token.isSymbol("-"), index > 0, case .name = tokens[index - 1].kind {
            return syntax("unexpected '-' after a name",
                          hint: "write names that contain '-' in brackets, e.g. hosts['k8s-master']", at: token)
        }
        if token.isSymbol("=") {
            return syntax("unexpected '='", hint: "compare with '=='; only filter arguments are named with '=', as in map(attribute='address')", at: token)
        }
        if token.isSymbol("(") {
            return syntax("unexpected '(': only filters take arguments", hint: "write 'value | filter(argument)'", at: token)
        }
        return syntax("unexpected \(token.display) after the expression", at: token)
    }

    func syntax(_ message: String, hint: String? = nil, at token: ExpressionToken) -> TemplateError {
        .syntax(message, hint: hint, location: locator.location(at: token.offset))
    }
}
