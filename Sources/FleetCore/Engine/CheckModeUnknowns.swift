/// Check mode runs nothing, so what earlier tasks would register or capture is only a
/// placeholder (`<register k8s-node1:family>`, `<capture k8s-master:join_command>`).
///
/// A `when` that reads such a value cannot be decided before the run: skipping the task
/// would hide commands a real run may well execute (every `when: "'apt' in family.stdout"`
/// branch), so the task is shown with the condition it depends on instead.
enum CheckModeUnknowns {
    static func registerPlaceholder(host: String, name: String) -> String { "<register \(host):\(name)>" }
    static func capturePlaceholder(host: String, name: String) -> String { "<capture \(host):\(name)>" }

    /// The first path `expression` reads that leads through a placeholder, spelled as written.
    static func unknownPath(in expression: Expression, scope: some VariableScope) -> VariablePath? {
        expression.referencedPaths.first { path in
            guard var current = try? scope.lookup(path.root) else { return false }
            if isPlaceholder(current) { return true }
            for key in path.components.dropFirst() {
                switch current {
                case .map(let entries) where entries[key] != nil: current = entries[key]!
                case .list(let items) where Int(key).map(items.indices.contains) == true: current = items[Int(key)!]
                default: return false
                }
                if isPlaceholder(current) { return true }
            }
            return false
        }
    }

    /// A placeholder capture, or a registered result whose stdout is a placeholder.
    private static func isPlaceholder(_ value: VariableValue) -> Bool {
        switch value {
        case .string(let text):
            guard text.hasPrefix("<"), text.hasSuffix(">") else { return false }
            let words = text.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: false)
            return words.count == 2 && (words[0] == "capture" || words[0] == "register")
        case .map(let entries):
            guard let stdout = entries["stdout"] else { return false }
            return isPlaceholder(stdout)
        default:
            return false
        }
    }
}

