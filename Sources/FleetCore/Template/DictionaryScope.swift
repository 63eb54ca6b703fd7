/// A `VariableScope` over a plain dictionary, for tests and for callers with nothing to defer.
public struct DictionaryScope: VariableScope {
    public var values: [String: VariableValue]
    /// Paths whose values are secret; anything inside them, or containing them, is secret too.
    public var secretPaths: Set<VariablePath>

    public init(_ values: [String: VariableValue] = [:], secretPaths: Set<VariablePath> = []) {
        self.values = values
        self.secretPaths = secretPaths
    }

    public func lookup(_ name: String) throws -> VariableValue? {
        values[name]
    }

    public var knownNames: [String] { values.keys.sorted() }

    public func isSecret(_ path: VariablePath) -> Bool {
        secretPaths.contains { path.hasPrefix($0) || $0.hasPrefix(path) }
    }
}
