/// A bare expression, as in `when:`, `until:`, `changed_when:` and `failed_when:`.
///
/// Written without `{{ }}`: `inventory_hostname in groups.masters and not skip_join`.
public struct Expression: Sendable, Hashable {
    /// The text as written.
    public let source: String
    let root: ExpressionNode
    let locator: TemplateLocator

    /// Parses `source`.
    /// - Parameter location: where `source` starts in the user's file; errors then point at
    ///   the exact line and column.
    /// - Throws: `TemplateError` for invalid syntax, unknown filters and tests.
    public init(parsing source: String, location: SourceLocation?) throws {
        let characters = Array(source)
        let locator = TemplateLocator(base: location, characters: characters)
        var lexer = ExpressionLexer(characters: characters, start: 0, openingOffset: nil, locator: locator)
        var parser = ExpressionParser(tokens: try lexer.tokenize().tokens, characters: characters, locator: locator)
        self.source = source
        self.root = try parser.parseExpression()
        self.locator = locator
    }

    /// The expression's value.
    /// - Throws: `TemplateError` (undefined variable, wrong type), or whatever the scope throws.
    public func evaluate(in scope: any VariableScope) throws -> VariableValue {
        var evaluator = ExpressionEvaluator(scope: scope, locator: locator)
        return try evaluator.value(of: root)
    }

    /// Whether the value is true the way Jinja sees it: empty strings, lists and maps, 0,
    /// false and none are false.
    public func isTrue(in scope: any VariableScope) throws -> Bool {
        try evaluate(in: scope).isTruthy
    }

    /// Every variable path the expression reads, for static checks.
    public var referencedPaths: [VariablePath] { StaticReferences(root).referenced }

    /// The referenced paths that must be defined: those the expression does not itself guard
    /// with `default(...)` or `is defined`.
    public var requiredPaths: [VariablePath] { StaticReferences(root).required }

    public static func == (lhs: Expression, rhs: Expression) -> Bool {
        lhs.source == rhs.source && lhs.locator == rhs.locator
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(locator)
    }
}
