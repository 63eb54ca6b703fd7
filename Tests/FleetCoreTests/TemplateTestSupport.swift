import FleetCore

/// Shorthands shared by the template tests.
enum TemplateTestSupport {
    static func render(_ source: String, _ vars: [String: VariableValue] = [:]) throws -> String {
        try Template(parsing: source, location: nil).render(in: DictionaryScope(vars))
    }

    static func evaluate(_ source: String, _ vars: [String: VariableValue] = [:]) throws -> VariableValue {
        try Expression(parsing: source, location: nil).evaluate(in: DictionaryScope(vars))
    }

    static func isTrue(_ source: String, _ vars: [String: VariableValue] = [:]) throws -> Bool {
        try Expression(parsing: source, location: nil).isTrue(in: DictionaryScope(vars))
    }

    static func path(_ components: String...) -> VariablePath {
        VariablePath(components)
    }
}
