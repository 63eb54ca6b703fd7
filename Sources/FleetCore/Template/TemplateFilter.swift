import Foundation

/// The filters a template may apply with `|`. Only these: an unknown name is a parse error
/// listing them, so a typo is found by `fleet check` instead of on a host.
enum TemplateFilter: String, Sendable, Hashable, CaseIterable {
    case b64encode, `default`, int, join, length, lower, quote
    case regexSearch = "regex_search"
    case string, trim, upper

    /// How many arguments the filter accepts.
    var argumentCount: ClosedRange<Int> {
        switch self {
        case .default: return 0...2
        case .join: return 0...1
        case .regexSearch: return 1...1
        default: return 0...0
        }
    }

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
        }
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
