/// `-e key=value` command-line variables, the highest precedence of all.
///
/// Values are strings, except that a value starting with `{` or `[` is read as JSON (through
/// the YAML reader, since JSON is YAML's flow style), so `-e 'ports=[80, 443]'` gives a list.
public enum ExtraVariables {
    /// - Throws: `InputError` for an option without `=`, a bad name, or malformed JSON.
    public static func parse(_ options: [String]) throws -> [String: VariableValue] {
        var result: [String: VariableValue] = [:]
        for option in options {
            guard let equals = option.firstIndex(of: "=") else {
                throw InputError("-e takes key=value, found '\(option)'")
            }
            let key = String(option[..<equals])
            guard VariablePath.isIdentifier(key) else {
                throw InputError("-e \(option): '\(key)' is not a variable name (letters, digits and _, not starting with a digit)")
            }
            result[key] = try value(of: String(option[option.index(after: equals)...]), key: key)
        }
        return result
    }

    private static func value(of text: String, key: String) throws -> VariableValue {
        guard text.hasPrefix("{") || text.hasPrefix("[") else { return .string(text) }
        do {
            guard let root = try YAMLFile(path: "-e \(key)", text: text).root else { return .null }
            return YAMLFile.value(of: root)
        } catch let error as InputError {
            throw InputError("-e \(key): the value starts like JSON but is not valid: \(error.message)")
        }
    }
}
