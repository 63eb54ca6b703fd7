/// Runs an operation with a deadline for actions whose work is not one remote command (a
/// command's timeout is enforced by the transport): `fetch` streaming a file to disk.
enum TimeLimit {
    /// `body`'s result, or `TransportError.timedOut` (saying `what`) once `seconds` have
    /// passed; `body` is then cancelled, and the wait ends when it has stopped. No limit when
    /// `seconds` is nil.
    static func run<T: Sendable>(seconds: Double?, what: String,
                                 _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let seconds else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TransportError(.timedOut, "\(what) timed out after \(WaitForAction.seconds(seconds))")
            }
            return value
        }
    }
}
