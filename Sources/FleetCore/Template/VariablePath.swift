/// The path a template reads, from a top-level name down through keys and indices.
///
/// `hosts['k8s-master'].join_command` is `["hosts", "k8s-master", "join_command"]` and
/// `groups.masters[0].join_command` is `["groups", "masters", "0", "join_command"]`: plain
/// strings, because that is what static checks and secret lookups compare against, whatever
/// bracket or dot spelling the author chose.
public struct VariablePath: Sendable, Hashable, CustomStringConvertible {
    public var components: [String]

    public init(_ components: [String]) {
        self.components = components
    }

    /// The component that stands for every item of a list: `groups.cluster | map(attribute='address')`
    /// reads `["groups", "cluster", "*", "address"]`, spelled `groups.cluster[*].address`.
    public static let everyItem = "*"

    /// The top-level variable name (the one a `VariableScope` is asked about).
    public var root: String { components.first ?? "" }

    /// Whether `self` is `other` or lies inside it (`a.b.c` has prefix `a.b`).
    public func hasPrefix(_ other: VariablePath) -> Bool {
        components.count >= other.components.count
            && Array(components.prefix(other.components.count)) == other.components
    }

    /// This path followed by one more key or index.
    public func appending(_ component: String) -> VariablePath {
        VariablePath(components + [component])
    }

    /// The path spelled the way a template author would write it:
    /// `groups.masters[0].join_command`, `hosts['k8s-master'].join_command`.
    public var description: String {
        guard let first = components.first else { return "" }
        var text = first
        for component in components.dropFirst() {
            if Int(component) != nil || component == VariablePath.everyItem {
                text += "[\(component)]"
            } else if VariablePath.isIdentifier(component) {
                text += ".\(component)"
            } else {
                let escaped = component.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "'", with: "\\'")
                text += "['\(escaped)']"
            }
        }
        return text
    }

    /// Whether `text` can be written after a dot (`[A-Za-z_][A-Za-z0-9_]*`).
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
