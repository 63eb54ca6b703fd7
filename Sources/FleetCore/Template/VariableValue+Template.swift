/// How templates see values: truth, kind names for messages, equality and ordering.
extension VariableValue {
    /// Jinja's truth: empty strings, lists and maps, zero, false and none are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let items): return !items.isEmpty
        case .map(let entries): return !entries.isEmpty
        }
    }

    /// "a string ('abc')", "a list", … for error messages.
    var kindDescription: String {
        switch self {
        case .null: return "none"
        case .bool(let value): return "a boolean (\(value))"
        case .int(let value): return "an integer (\(value))"
        case .double(let value): return "a number (\(value))"
        case .string(let value):
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "a string ('\(shown)')"
        case .list(let items): return "a list of \(items.count) item\(items.count == 1 ? "" : "s")"
        case .map: return "a mapping"
        }
    }

    /// Equality as templates see it: integers and decimals compare by number.
    func templateEquals(_ other: VariableValue) -> Bool {
        if let left = numericValue, let right = other.numericValue { return left == right }
        return self == other
    }

    /// Ordering for `<`-style operators: numbers with numbers, strings with strings, lists
    /// element by element; nil for kinds that do not compare.
    func templateCompare(_ other: VariableValue) -> ComparisonResult? {
        if let left = numericValue, let right = other.numericValue {
            return left < right ? .less : (left > right ? .greater : .equal)
        }
        switch (self, other) {
        case (.string(let left), .string(let right)):
            return left < right ? .less : (left > right ? .greater : .equal)
        case (.list(let left), .list(let right)):
            for (l, r) in zip(left, right) {
                guard let order = l.templateCompare(r) else { return nil }
                if order != .equal { return order }
            }
            return left.count < right.count ? .less : (left.count > right.count ? .greater : .equal)
        default:
            return nil
        }
    }

    enum ComparisonResult { case less, equal, greater }

    /// The value as a number when it is an integer or decimal (booleans are not numbers here).
    private var numericValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}

extension VariableValue {
    /// "a string", "a list", … without the value itself, for messages that must not leak it.
    var kindName: String {
        switch self {
        case .null: return "none"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
