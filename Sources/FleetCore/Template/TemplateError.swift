import Foundation

/// Why a template or expression could not be parsed or evaluated, and where.
///
/// Locations point inside the template text when the caller said where the text starts
/// (see `TemplateLocator`). Printed like `InputError`: `file:line:col: error: message`.
public enum TemplateError: Error, LocalizedError, Sendable, Equatable {
    /// The text is not a valid template or expression.
    case syntax(String, hint: String? = nil, location: SourceLocation?)
    /// A variable, key or index that does not exist. `path` is spelled as in the template;
    /// `reason` says which step failed for nested paths.
    case undefined(path: String, reason: String?, suggestion: String?, location: SourceLocation?)
    /// A filter name the engine does not know.
    case unknownFilter(name: String, suggestion: String?, location: SourceLocation?)
    /// An `is` test the engine does not know.
    case unknownTest(name: String, suggestion: String?, location: SourceLocation?)
    /// A value of the wrong kind for an operator or filter.
    case type(String, location: SourceLocation?)
    /// A `regex_search` pattern that does not compile.
    case invalidRegex(pattern: String, reason: String, location: SourceLocation?)

    public var location: SourceLocation? {
        switch self {
        case .syntax(_, _, let location), .undefined(_, _, _, let location),
             .unknownFilter(_, _, let location), .unknownTest(_, _, let location),
             .type(_, let location), .invalidRegex(_, _, let location):
            return location
        }
    }

    /// The message without location or hint.
    public var message: String {
        switch self {
        case .syntax(let message, _, _):
            return message
        case .undefined(let path, let reason, let suggestion, _):
            return "undefined variable '\(path)'" + (reason.map { ": \($0)" } ?? "")
                + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .unknownFilter(let name, let suggestion, _):
            return "unknown filter '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .unknownTest(let name, let suggestion, _):
            return "unknown test '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .type(let message, _):
            return message
        case .invalidRegex(let pattern, let reason, _):
            return "invalid regular expression '\(pattern)': \(reason)"
        }
    }

    /// What the author can do about it.
    public var hint: String? {
        switch self {
        case .syntax(_, let hint, _):
            return hint
        case .undefined:
            return "define it (inventory, play vars, capture or -e), or guard it with '| default(...)' or 'is defined'"
        case .unknownFilter:
            return "known filters: \(TemplateFilter.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownTest:
            return "known tests: \(TemplateTest.allCases.map(\.rawValue).joined(separator: ", "))"
        case .type, .invalidRegex:
            return nil
        }
    }

    public var errorDescription: String? { inputError.errorDescription }

    /// The same error as the `InputError` that `fleet check` and the playbook loader print.
    public var inputError: InputError {
        InputError(message, at: location, hint: hint)
    }
}

/// Turns a character offset inside a template into a location in the user's file.
///
/// On the template's first line the offset is added to the column where the text starts;
/// past a newline (a multi-line `shell: |` block) the line advances and the column counts
/// from the start of that line. Exact for one-line plain scalars, where templates nearly
/// always live; callers whose text starts after a quote pass the quote's column + 1.
struct TemplateLocator: Sendable, Hashable {
    var base: SourceLocation?
    /// Offsets of the newlines in the template text, in order.
    private var newlineOffsets: [Int] = []

    init(base: SourceLocation?, characters: [Character] = []) {
        self.base = base
        if base != nil {
            newlineOffsets = characters.indices.filter { characters[$0] == "\n" }
        }
    }

    func location(at offset: Int) -> SourceLocation? {
        guard let base else { return nil }
        let linesBefore = newlineOffsets.prefix { $0 < offset }
        guard let lineStart = linesBefore.last else {
            return SourceLocation(file: base.file, line: base.line, column: base.column + offset)
        }
        return SourceLocation(file: base.file, line: base.line + linesBefore.count, column: offset - lineStart)
    }
}
