/// Filters (`| name(arguments)`) and tests (`is [not] name`), checked against the known ones
/// while parsing so `fleet check` reports a misspelt filter before anything runs.
extension ExpressionParser {
    mutating func parseFilter(on input: ExpressionNode) throws -> ExpressionNode {
        advance()  // "|"
        let nameToken = current
        guard case .name(let name) = nameToken.kind else {
            throw syntax("expected a filter name after '|', found \(current.display)", at: current)
        }
        guard let filter = TemplateFilter(rawValue: name) else {
            throw TemplateError.unknownFilter(
                name: name, suggestion: NameSuggestion.closest(to: name, among: TemplateFilter.allCases.map(\.rawValue)),
                location: locator.location(at: nameToken.offset))
        }
        advance()
        var arguments: [ExpressionNode] = []
        if current.isSymbol("(") {
            let open = current
            advance()
            while !current.isSymbol(")") {
                arguments.append(try parseArgument(of: filter, named: name, position: arguments.count))
                if current.isSymbol(",") { advance() } else if !current.isSymbol(")") {
                    throw syntax("expected ',' or ')' in the arguments of '\(name)', found \(current.display)", at: current)
                }
            }
            try expect(")", closing: "(", at: open)
        }
        guard filter.argumentCount.contains(arguments.count) else {
            let range = filter.argumentCount
            let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw syntax("filter '\(name)' takes \(wanted) argument\(range.upperBound == 1 ? "" : "s"), found \(arguments.count)", at: nameToken)
        }
        return ExpressionNode(kind: .filter(input, filter, arguments: arguments), offset: nameToken.offset)
    }

    /// One filter argument, positional or, where the filter names its parameters
    /// (`TemplateFilter.keywordParameters`), written `name=value` as in Jinja.
    private mutating func parseArgument(of filter: TemplateFilter, named name: String, position: Int) throws -> ExpressionNode {
        let keywords = filter.keywordParameters
        guard case .name(let keyword) = current.kind, peek.isSymbol("=") else {
            if filter.requiresKeywords {
                throw syntax("filter '\(name)' takes \(keywords.map { "\($0)='...'" }.joined(separator: ", "))",
                             hint: "for example \(name)(\(keywords[0])='address'); applying a filter to each item is not supported",
                             at: current)
            }
            return try parseOr()
        }
        let keywordToken = current
        guard keywords.indices.contains(position), keywords[position] == keyword else {
            let known = keywords.isEmpty ? "it takes none" : "it takes \(keywords.joined(separator: ", ")), in that order"
            throw syntax("filter '\(name)' has no keyword argument '\(keyword)' here: \(known)", at: keywordToken)
        }
        advance(by: 2)  // name "="
        return try parseOr()
    }

    mutating func parseTest(on input: ExpressionNode) throws -> ExpressionNode {
        advance()  // "is"
        var negated = false
        if current.isName("not") {
            negated = true
            advance()
        }
        let nameToken = current
        guard case .name(let name) = nameToken.kind else {
            throw syntax("expected a test name after 'is', found \(current.display)", hint: "for example 'is defined'", at: current)
        }
        guard let test = TemplateTest(rawValue: name) else {
            throw TemplateError.unknownTest(
                name: name, suggestion: NameSuggestion.closest(to: name, among: TemplateTest.allCases.map(\.rawValue)),
                location: locator.location(at: nameToken.offset))
        }
        advance()
        return ExpressionNode(kind: .test(input, test, negated: negated), offset: nameToken.offset)
    }
}
