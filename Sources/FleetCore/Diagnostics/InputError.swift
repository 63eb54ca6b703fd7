import Foundation

/// Invalid user input (inventory, playbook, pattern, variable): where, what, and what to do.
///
/// Rendered as `file:line:col: error: message` so editors and terminals link to it.
/// Whatever raises it must do so before anything runs on a host (exit code 65).
public struct InputError: Error, LocalizedError, Sendable, Equatable {
    public var location: SourceLocation?
    public var message: String
    /// What the user can do about it, printed after the message when present.
    public var hint: String?

    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var errorDescription: String? {
        var text = location.map { "\($0): error: \(message)" } ?? "error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
