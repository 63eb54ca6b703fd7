/// Text with `{{ expression }}` substitutions: shell commands, file contents, paths.
///
/// Deliberately a small subset of Jinja: no `{% %}` blocks (conditions belong in `when:`),
/// no whitespace control. A literal `{{` is written `{{ '{{' }}`. An undefined variable is
/// always an error, never an empty string, unless guarded by `default(...)` or `is defined`.
public struct Template: Sendable, Hashable {
    /// The text as written.
    public let source: String
    let segments: [Segment]
    let locator: TemplateLocator

    enum Segment: Sendable, Hashable {
        case text(String)
        case expression(ExpressionNode)
    }

    /// Parses `source`.
    /// - Parameter location: where `source` starts in the user's file; errors then point at
    ///   the exact line and column.
    /// - Throws: `TemplateError` for invalid syntax, `{% %}` blocks, unknown filters and tests.
    public init(parsing source: String, location: SourceLocation?) throws {
        let characters = Array(source)
        let locator = TemplateLocator(base: location, characters: characters)
        var segments: [Segment] = []
        var text = ""
        var position = 0
        while position < characters.count {
            let character = characters[position]
            let next = position + 1 < characters.count ? characters[position + 1] : nil
            if character == "{", next == "{" {
                if !text.isEmpty { segments.append(.text(text)) }
                text = ""
                var lexer = ExpressionLexer(characters: characters, start: position + 2, openingOffset: position, locator: locator)
                let (tokens, end) = try lexer.tokenize()
                var parser = ExpressionParser(tokens: tokens, characters: characters, locator: locator)
                segments.append(.expression(try parser.parseExpression()))
                position = end
                continue
            }
            if character == "{", next == "%" {
                throw TemplateError.syntax(
                    "'{%' blocks are not supported in fleet templates",
                    hint: "only '{{ expression }}' is substituted; put conditions in 'when:', and write a literal '{%' as {{ '{%' }}",
                    location: locator.location(at: position))
            }
            text.append(character)
            position += 1
        }
        if !text.isEmpty { segments.append(.text(text)) }
        self.source = source
        self.segments = segments
        self.locator = locator
    }

    /// The rendered text.
    /// - Throws: `TemplateError` (undefined variable, wrong type), or whatever the scope throws.
    public func render(in scope: any VariableScope) throws -> String {
        try renderDetailed(in: scope).text
    }

    /// The rendered text, and whether it used a secret value.
    public func renderDetailed(in scope: any VariableScope) throws -> RenderResult {
        var evaluator = ExpressionEvaluator(scope: scope, locator: locator)
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let literal):
                text += literal
            case .expression(let node):
                let readsBefore = evaluator.secretReads
                let value = try evaluator.value(of: node)
                text += value.text
                if evaluator.secretReads > readsBefore, Self.mayCarrySecret(value) { scope.noteSecretText(value.text) }
            }
        }
        return RenderResult(text: text, usedSecrets: evaluator.usedSecrets)
    }

    /// Whether a value computed from a secret could give the secret away. A yes/no or a
    /// number (`{{ token | length }}`, `{{ token is defined }}`) cannot, and masking every
    /// `true` or `64` in the output would hide what the output says.
    private static func mayCarrySecret(_ value: VariableValue) -> Bool {
        switch value {
        case .null, .bool, .int, .double: return false
        case .string, .list, .map: return true
        }
    }

    /// Every variable path the template reads, for static checks.
    public var referencedPaths: [VariablePath] {
        .merging(expressions.map { StaticReferences($0).referenced })
    }

    /// The referenced paths that must be defined: those not guarded by `default(...)` or
    /// `is defined` within the same `{{ }}`.
    public var requiredPaths: [VariablePath] {
        .merging(expressions.map { StaticReferences($0).required })
    }

    /// Whether the template reads no variables, so it renders the same in every scope.
    public var isConstant: Bool { referencedPaths.isEmpty }

    private var expressions: [ExpressionNode] {
        segments.compactMap { segment in
            if case .expression(let node) = segment { return node }
            return nil
        }
    }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.source == rhs.source && lhs.locator == rhs.locator
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(locator)
    }
}
