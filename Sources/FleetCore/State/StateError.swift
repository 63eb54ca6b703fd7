import Foundation

/// Why the kept state of an inventory could not be read, locked or written.
///
/// Each case names the file involved and says what the user can do, because the state holds
/// values (join tokens) that cannot always be produced again: fleet never discards or
/// overwrites a state file it does not understand.
public enum StateError: Error, LocalizedError, Sendable, Equatable {
    /// The file is not JSON, or not fleet's state layout.
    case corrupt(path: String, reason: String)
    /// Written by a newer fleet whose layout this one does not know.
    case newerVersion(path: String, found: Int, supported: Int)
    /// Another run holds the lock; `pid` is the holder's process id when it could be read.
    case locked(lockPath: String, pid: Int32?)
    /// A system call on the state files failed.
    case io(path: String, operation: String, reason: String)
    /// The store was used after `close()`.
    case closed(path: String)

    public var errorDescription: String? {
        switch self {
        case .corrupt(let path, let reason):
            return "error: \(path): not a readable fleet state file (\(reason))\n"
                + "  hint: nothing was changed. Fix the file by hand, or move it aside "
                + "(mv '\(path)' '\(path).bad') to start with empty state; kept captures in it "
                + "will then be produced again by their tasks."
        case .newerVersion(let path, let found, let supported):
            return "error: \(path): state file version \(found) was written by a newer fleet "
                + "(this one reads version \(supported))\n"
                + "  hint: nothing was changed. Use the newer fleet with this inventory, or move "
                + "the file aside to start with empty state."
        case .locked(let lockPath, let pid):
            let holder = pid.map { "another fleet process (pid \($0))" } ?? "another fleet process"
            let stop = pid.map { "stop it (kill \($0))" } ?? "stop it"
            return "error: \(holder) is running with this inventory and holds \(lockPath)\n"
                + "  hint: wait for that run to finish, or \(stop); the lock is released as soon as "
                + "that process exits. `fleet state` can list kept captures meanwhile."
        case .io(let path, let operation, let reason):
            return "error: \(path): cannot \(operation): \(reason)"
        case .closed(let path):
            return "error: state of \(path) used after it was closed"
        }
    }
}

extension StateError {
    /// An `.io` error from the current `errno`.
    static func system(_ path: String, _ operation: String) -> StateError {
        .io(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
