/// The result of evaluating a node: a value, or why there is none.
///
/// Undefined is a value-like result rather than an error so that `default(...)` and
/// `is defined` can look at it, including deep in a path (`a.b.c | default('x')` when `a`
/// has no `b`). Anything else that meets an undefined result turns it into
/// `TemplateError.undefined` at the reference's position.
enum Evaluated {
    case value(VariableValue)
    case undefined(Undefined)
}

/// A missing variable, key or index: the whole path as written, and which step failed.
struct Undefined {
    var path: String
    var reason: String?
    var suggestion: String?
    /// Where the reference starts in the template text.
    var offset: Int
}

/// Walks an `ExpressionNode` against a `VariableScope`.
///
/// Errors thrown by the scope (a deferred capture, a failed producer) pass through
/// untouched. Remembers whether any secret value was read, for `RenderResult.usedSecrets`.
struct ExpressionEvaluator {
    let scope: any VariableScope
    let locator: TemplateLocator
    /// How many times a value the scope calls secret was read (even only to test or
    /// transform it): a template compares it before and after each `{{ }}`.
    private(set) var secretReads = 0
    var usedSecrets: Bool { secretReads > 0 }

    init(scope: any VariableScope, locator: TemplateLocator) {
        self.scope = scope
        self.locator = locator
    }

    /// The node's value; undefined is an error.
    mutating func value(of node: ExpressionNode) throws -> VariableValue {
        try force(evaluate(node))
    }

    mutating func evaluate(_ node: ExpressionNode) throws -> Evaluated {
        switch node.kind {
        case .literal(let value):
            return .value(value)
        case .list(let items):
            return .value(.list(try items.map { try value(of: $0) }))
        case .reference(let name, let accessors):
            return try reference(name, accessors: accessors, offset: node.offset)
        case .access(let base, let baseText, let accessors):
            let evaluated = try evaluate(base)
            guard case .value(let baseValue) = evaluated else { return evaluated }
            let (result, _) = try walk(accessors, from: .value(baseValue), path: VariablePath([baseText]), offset: node.offset)
            return result
        case .not(let operand):
            return .value(.bool(!(try value(of: operand).isTruthy)))
        case .and(let left, let right):
            let first = try value(of: left)
            return first.isTruthy ? .value(try value(of: right)) : .value(first)
        case .or(let left, let right):
            let first = try value(of: left)
            return first.isTruthy ? .value(first) : .value(try value(of: right))
        case .compare(let op, let left, let right):
            return .value(.bool(try compare(op, try value(of: left), try value(of: right), offset: node.offset)))
        case .test(let operand, let test, let negated):
            let passed: Bool
            switch test {
            case .defined: passed = try evaluate(operand).isDefined
            case .undefined: passed = !(try evaluate(operand).isDefined)
            case .none: passed = try value(of: operand) == .null
            }
            return .value(.bool(passed != negated))
        case .filter(let input, .default, let arguments):
            return try defaultFilter(input, arguments: arguments)
        case .filter(let input, let filter, let arguments):
            let value = try value(of: input)
            let values = try arguments.map { try self.value(of: $0) }
            return .value(try filter.apply(to: value, arguments: values, location: locator.location(at: node.offset)))
        }
    }

    // MARK: Variables

    private mutating func reference(_ name: String, accessors: [Accessor], offset: Int) throws -> Evaluated {
        if let first = accessors.first, let key = Self.constantKey(first), let entry = try scope.lookup(name, key: key) {
            let (result, path) = try walk(Array(accessors.dropFirst()), from: .value(entry), path: VariablePath([name, key]),
                                          spelling: name + Self.suffix(first, key: .string(key)), offset: offset)
            if case .value = result, scope.isSecret(path) { secretReads += 1 }
            return result
        }
        let start: Evaluated
        if let value = try scope.lookup(name) {
            start = .value(value)
        } else {
            start = .undefined(Undefined(
                path: name, reason: nil,
                suggestion: NameSuggestion.closest(to: name, among: scope.knownNames), offset: offset))
        }
        let (result, path) = try walk(accessors, from: start, path: VariablePath([name]), offset: offset)
        if case .value = result, scope.isSecret(path) { secretReads += 1 }
        return result
    }

    /// The key a first accessor names without evaluating anything: `.masters` or `['k8s-master']`.
    private static func constantKey(_ accessor: Accessor) -> String? {
        switch accessor {
        case .member(let name, _):
            return name
        case .index(let node):
            if case .literal(.string(let text)) = node.kind { return text }
            return nil
        }
    }

    /// How an accessor is spelt in a reported path: `.name`, `['text']` or `[3]`.
    private static func suffix(_ accessor: Accessor, key: VariableValue) -> String {
        switch accessor {
        case .member(let name, _):
            return ".\(name)"
        case .index:
            if case .string(let text) = key { return "['\(text)']" }
            return "[\(key.text)]"
        }
    }

    /// Follows keys and indices from `start`. Index expressions are evaluated even below an
    /// undefined step, so the reported path is the one the author wrote, fully spelt out.
    /// - Returns: the result, and the path actually read (for the secret check).
    private mutating func walk(
        _ accessors: [Accessor], from start: Evaluated, path: VariablePath, spelling: String? = nil, offset: Int
    ) throws -> (Evaluated, VariablePath) {
        var current = start
        var path = path
        var spelling = spelling ?? path.description
        for accessor in accessors {
            let key: VariableValue
            switch accessor {
            case .member(let name, _): key = .string(name)
            case .index(let node): key = try value(of: node)
            }
            let suffix = Self.suffix(accessor, key: key)
            var component = key.text
            if case .value(let container) = current {
                switch Self.step(into: container, key: key, at: spelling) {
                case .success(let found):
                    current = .value(found.value)
                    component = found.component
                case .failure(let missing):
                    current = .undefined(Undefined(path: "", reason: missing.reason, suggestion: missing.suggestion, offset: offset))
                }
            }
            path = path.appending(component)
            spelling += suffix
        }
        if case .undefined(var missing) = current {
            missing.path = spelling
            current = .undefined(missing)
        }
        return (current, path)
    }

    private struct Found { var value: VariableValue; var component: String }
    private struct Missing: Error { var reason: String; var suggestion: String? }

    /// One key or index into a value; a missing one says why, without showing the value
    /// itself (it may be secret). `path` is the container's path as written.
    private static func step(into container: VariableValue, key: VariableValue, at path: String) -> Result<Found, Missing> {
        switch container {
        case .map(let entries):
            let name = key.text
            if let value = entries[name] { return .success(Found(value: value, component: name)) }
            return .failure(Missing(reason: "'\(path)' has no key '\(name)'",
                                    suggestion: NameSuggestion.closest(to: name, among: entries.keys)))
        case .list(let items):
            let number: Int?
            switch key {
            case .int(let value): number = value
            case .string(let text): number = Int(text)
            default: number = nil
            }
            guard let number else {
                return .failure(Missing(reason: "'\(path)' is a list; index it with a number, not '\(key.text)'"))
            }
            let index = number < 0 ? items.count + number : number
            guard items.indices.contains(index) else {
                return .failure(Missing(reason: "'\(path)' has \(items.count) item\(items.count == 1 ? "" : "s"), so index \(number) is out of range"))
            }
            return .success(Found(value: items[index], component: String(index)))
        default:
            return .failure(Missing(reason: "'\(path)' is \(container.kindName), which has no key '\(key.text)'"))
        }
    }

    // MARK: Operators and filters

    private func compare(_ op: ComparisonOperator, _ left: VariableValue, _ right: VariableValue, offset: Int) throws -> Bool {
        switch op {
        case .equal: return left.templateEquals(right)
        case .notEqual: return !left.templateEquals(right)
        case .contains: return try contains(left, in: right, offset: offset)
        case .notContains: return !(try contains(left, in: right, offset: offset))
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let order = left.templateCompare(right) else {
                throw TemplateError.type("cannot compare \(left.kindName) with \(right.kindName) using '\(op.rawValue)'",
                                         location: locator.location(at: offset))
            }
            switch op {
            case .less: return order == .less
            case .greater: return order == .greater
            case .lessOrEqual: return order != .greater
            default: return order != .less
            }
        }
    }

    private func contains(_ item: VariableValue, in collection: VariableValue, offset: Int) throws -> Bool {
        switch (item, collection) {
        case (.string(let part), .string(let whole)):
            return part.isEmpty || whole.contains(part)
        case (_, .list(let items)):
            // `inventory_hostname in groups.masters` works as in Ansible, where groups hold
            // names: a host object in the list matches its own name.
            return items.contains { element in
                if element.templateEquals(item) { return true }
                if case .string = item, case .map(let fields) = element, let name = fields["inventory_hostname"] {
                    return name.templateEquals(item)
                }
                return false
            }
        case (.string, .map(let entries)), (.int, .map(let entries)):
            return entries[item.text] != nil
        default:
            throw TemplateError.type("cannot test whether \(item.kindName) is in \(collection.kindName)",
                                     location: locator.location(at: offset))
        }
    }

    /// `default(value = '', boolean = false)`: the input, or `value` when the input is
    /// undefined (or, with `boolean` true, when it is false-like). `value` is evaluated only
    /// when it is needed.
    private mutating func defaultFilter(_ input: ExpressionNode, arguments: [ExpressionNode]) throws -> Evaluated {
        let evaluated = try evaluate(input)
        let replaceFalsy = try arguments.count > 1 && value(of: arguments[1]).isTruthy
        if case .value(let value) = evaluated, !(replaceFalsy && !value.isTruthy) { return evaluated }
        guard let fallback = arguments.first else { return .value(.string("")) }
        return try evaluate(fallback)
    }

    private func force(_ evaluated: Evaluated) throws -> VariableValue {
        switch evaluated {
        case .value(let value):
            return value
        case .undefined(let missing):
            throw TemplateError.undefined(path: missing.path, reason: missing.reason, suggestion: missing.suggestion,
                                          location: locator.location(at: missing.offset))
        }
    }
}

extension Evaluated {
    var isDefined: Bool {
        if case .value = self { return true }
        return false
    }
}
