/// The variable paths an expression reads, found without evaluating it (for `fleet check`).
///
/// A path is followed as far as its keys and indices are written literally:
/// `hosts['k8s-master'].join_command` gives `hosts.k8s-master.join_command`, while
/// `hosts[name].join_command` gives `hosts` and `name`. `map(attribute='x')` on such a path
/// reads `x` in every item: `groups.cluster | map(attribute='address')` gives
/// `groups.cluster` and `groups.cluster[*].address` (`VariablePath.everyItem`).
struct StaticReferences {
    /// Every path read, in order of first appearance.
    private(set) var referenced: [VariablePath] = []
    /// Paths read only under `default(...)` or an `is defined` / `is undefined` test.
    private(set) var guarded: [VariablePath] = []

    init(_ node: ExpressionNode) {
        visit(node, underGuard: false)
    }

    /// Referenced paths that must exist: those not inside a path this expression guards, so
    /// `x is defined and x.port > 0` and `x.y | default(1)` require nothing.
    var required: [VariablePath] {
        referenced.filter { path in !guarded.contains { path.hasPrefix($0) } }
    }

    private mutating func visit(_ node: ExpressionNode, underGuard: Bool) {
        switch node.kind {
        case .literal:
            break
        case .list(let items):
            items.forEach { visit($0, underGuard: underGuard) }
        case .reference(let name, let accessors):
            record(Self.literalPath(name, accessors), underGuard: underGuard)
            visitIndices(accessors, underGuard: underGuard)
        case .access(let base, _, let accessors):
            visit(base, underGuard: underGuard)
            visitIndices(accessors, underGuard: underGuard)
        case .not(let operand):
            visit(operand, underGuard: underGuard)
        case .and(let left, let right), .or(let left, let right), .compare(_, let left, let right):
            visit(left, underGuard: underGuard)
            visit(right, underGuard: underGuard)
        case .test(let operand, let test, _):
            visit(operand, underGuard: underGuard || test != .none)
        case .filter(let input, let filter, let arguments):
            let guardsInput = filter == .default
            visit(input, underGuard: underGuard || guardsInput)
            arguments.forEach { visit($0, underGuard: underGuard || guardsInput) }
            if filter == .map, case .reference(let name, let accessors) = input.kind,
               case .literal(.string(let attribute))? = arguments.first?.kind {
                let path = Self.literalPath(name, accessors)
                if path.components.count == accessors.count + 1 {
                    let keys = attribute.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    record(VariablePath(path.components + [VariablePath.everyItem] + keys), underGuard: underGuard)
                }
            }
        }
    }

    /// `name` and its accessors as far as they are written literally.
    private static func literalPath(_ name: String, _ accessors: [Accessor]) -> VariablePath {
        var components = [name]
        for accessor in accessors {
            guard let key = literalKey(accessor) else { break }
            components.append(key)
        }
        return VariablePath(components)
    }

    private mutating func visitIndices(_ accessors: [Accessor], underGuard: Bool) {
        for case .index(let node) in accessors {
            visit(node, underGuard: underGuard)
        }
    }

    private mutating func record(_ path: VariablePath, underGuard: Bool) {
        if !referenced.contains(path) { referenced.append(path) }
        if underGuard, !guarded.contains(path) { guarded.append(path) }
    }

    /// The key an accessor names when it is written literally (`.name`, `['x']`, `[0]`).
    private static func literalKey(_ accessor: Accessor) -> String? {
        switch accessor {
        case .member(let name, _): return name
        case .index(let node):
            switch node.kind {
            case .literal(.string(let key)): return key
            case .literal(.int(let index)): return String(index)
            default: return nil
            }
        }
    }
}

extension Array where Element == VariablePath {
    /// The paths of several expressions, each once, in order of first appearance.
    static func merging(_ lists: [[VariablePath]]) -> [VariablePath] {
        var seen = Set<VariablePath>()
        return lists.joined().filter { seen.insert($0).inserted }
    }
}
