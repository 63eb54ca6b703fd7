import Foundation

/// The filters a template may apply with `|`. Only these: an unknown name is a parse error
/// listing them, so a typo is found by `fleet check` instead of on a host.
enum TemplateFilter: String, Sendable, Hashable, CaseIterable {
    case b64encode, `default`, int, join, length, lower, map, quote
    case regexSearch = "regex_search"
    case string, trim, upper

    /// How many arguments the filter accepts.
    var argumentCount: ClosedRange<Int> {
        switch self {
        case .default: return 0...2
        case .join: return 0...1
        case .map, .regexSearch: return 1...1
        default: return 0...0
        }
    }

    /// The parameters that may be written `name=value`, in positional order.
    var keywordParameters: [String] {
        self == .map ? ["attribute"] : []
    }

    /// Whether every argument must be named. Jinja's `map('lower')` (a filter applied to each
    /// item) is not supported, so `map` insists on `attribute=` rather than misreading a
    /// filter name as an attribute.
    var requiresKeywords: Bool { self == .map }

    /// The filter applied to a defined value. `default` is not handled here: it is the one
    /// filter that accepts an undefined input, so the evaluator implements it.
    /// - Parameter location: where the filter is written, for errors.
    func apply(to value: VariableValue, arguments: [VariableValue], location: SourceLocation?) throws -> VariableValue {
        switch self {
        case .default:
            return value
        case .trim:
            return .string(value.text.trimmingCharacters(in: .whitespacesAndNewlines))
        case .lower:
            return .string(value.text.lowercased())
        case .upper:
            return .string(value.text.uppercased())
        case .quote:
            return .string(ShellQuoting.quote(value.text))
        case .b64encode:
            return .string(Data(value.text.utf8).base64EncodedString())
        case .string:
            return .string(value.text)
        case .join:
            guard case .list(let items) = value else {
                throw mismatch("a list", got: value, location: location)
            }
            return .string(items.map(\.text).joined(separator: arguments.first?.text ?? ""))
        case .length:
            switch value {
            case .string(let text): return .int(text.count)
            case .list(let items): return .int(items.count)
            case .map(let entries): return .int(entries.count)
            default: throw mismatch("a string, list or mapping", got: value, location: location)
            }
        case .int:
            return .int(try integer(from: value, location: location))
        case .regexSearch:
            return try regexSearch(value.text, pattern: arguments[0].text, location: location)
        case .map:
            guard case .list(let items) = value else {
                throw mismatch("a list", got: value, location: location)
            }
            return .list(try items.enumerated().map { try attribute(arguments[0].text, of: $1, item: $0, location: location) })
        }
    }

    /// `map(attribute='a.b')` on one item: the value at that dotted path, as in Jinja. A
    /// missing key is an error (naming the item, not showing it: it may hold a secret), never
    /// a silent empty string in a generated file.
    private func attribute(_ dotted: String, of item: VariableValue, item index: Int, location: SourceLocation?) throws -> VariableValue {
        var current = item
        var spelled = "item \(index)"
        for key in dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            switch current {
            case .map(let entries) where entries[key] != nil:
                current = entries[key]!
            case .map(let entries):
                throw TemplateError.undefined(
                    path: "map(attribute='\(dotted)')", reason: "\(spelled) has no key '\(key)'",
                    suggestion: NameSuggestion.closest(to: key, among: entries.keys), location: location)
            case .list(let items) where Int(key).map(items.indices.contains) == true:
                current = items[Int(key)!]
            default:
                throw TemplateError.undefined(
                    path: "map(attribute='\(dotted)')", reason: "\(spelled) is \(current.kindName), which has no key '\(key)'",
                    suggestion: nil, location: location)
            }
            spelled += ".\(key)"
        }
        return current
    }

    private func integer(from value: VariableValue, location: SourceLocation?) throws -> Int {
        switch value {
        case .int(let number):
            return number
        case .bool(let flag):
            return flag ? 1 : 0
        case .double(let number) where number.isFinite && abs(number) < 9e18:
            return Int(number)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let number = Int(trimmed) { return number }
            if let number = Double(trimmed), number.isFinite, abs(number) < 9e18 { return Int(number) }
            throw TemplateError.type("filter 'int' cannot read a whole number from \(value.kindDescription)",
                                     location: location)
        default:
            throw mismatch("a number or a numeric string", got: value, location: location)
        }
    }

    /// The first match of `pattern` in `text`, or its first group when the pattern has
    /// groups; none when nothing matches (as Ansible returns none, which renders as "").
    private func regexSearch(_ text: String, pattern: String, location: SourceLocation?) throws -> VariableValue {
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw TemplateError.invalidRegex(pattern: pattern, reason: "it does not compile", location: location)
        }
        let whole = NSRange(text.startIndex..., in: text)
        guard let match = expression.firstMatch(in: text, range: whole) else { return .null }
        let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        guard let found = Range(range, in: text) else { return .null }
        return .string(String(text[found]))
    }

    private func mismatch(_ expected: String, got value: VariableValue, location: SourceLocation?) -> TemplateError {
        .type("filter '\(rawValue)' needs \(expected), got \(value.kindDescription)", location: location)
    }
}
