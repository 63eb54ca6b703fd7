/// A parsed expression: what `ExpressionParser` builds and `ExpressionEvaluator` walks.
///
/// Every node keeps the character offset where it starts so evaluation errors (undefined
/// variable, wrong type) point at the exact spot in the template.
struct ExpressionNode: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case literal(VariableValue)
        case list([ExpressionNode])
        /// A variable and the keys/indices read from it: `groups.masters[0].join_command`.
        case reference(name: String, accessors: [Accessor])
        /// Keys/indices read from any other value: `(x | default([]))[0]`. `baseText` is the
        /// base's source text, for messages.
        case access(base: ExpressionNode, baseText: String, accessors: [Accessor])
        case not(ExpressionNode)
        case and(ExpressionNode, ExpressionNode)
        case or(ExpressionNode, ExpressionNode)
        case compare(ComparisonOperator, ExpressionNode, ExpressionNode)
        case test(ExpressionNode, TemplateTest, negated: Bool)
        case filter(ExpressionNode, TemplateFilter, arguments: [ExpressionNode])
    }

    var kind: Kind
    var offset: Int
}

/// One step down into a value: `.name` or `[expression]`.
enum Accessor: Sendable, Hashable {
    case member(String, offset: Int)
    case index(ExpressionNode)

    var offset: Int {
        switch self {
        case .member(_, let offset): return offset
        case .index(let node): return node.offset
        }
    }
}

enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "==", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case contains = "in", notContains = "not in"
}

/// The `is` tests: `x is defined`, `x is not none`.
enum TemplateTest: String, Sendable, Hashable, CaseIterable {
    case defined, undefined, none
}
