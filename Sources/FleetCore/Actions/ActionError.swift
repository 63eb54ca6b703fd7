import Foundation

/// A problem running an action that is neither bad input nor a lost connection: the host
/// answered something fleet cannot read, or the local side of a transfer failed.
public enum ActionError: Error, LocalizedError, Sendable, Equatable {
    /// A probe (guard, checksum) printed something other than what it was written to print,
    /// usually because sudo or the shell failed first; `output` is what came back.
    case unexpectedReply(what: String, output: String, host: String)
    /// A fetched file could not be written locally.
    case localWriteFailed(path: String, reason: String, host: String)

    public var errorDescription: String? {
        switch self {
        case .unexpectedReply(let what, let output, let host):
            let shown = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(host): unexpected reply to \(what): \(shown.isEmpty ? "(nothing)" : shown)"
        case .localWriteFailed(let path, let reason, let host):
            return "\(host): cannot write \(path): \(reason)"
        }
    }
}
