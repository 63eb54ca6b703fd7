import Foundation

/// Test helpers shared by more than one test target.
public enum Deadline {
    /// `body`'s result, or nil when it has not finished after `seconds`: a run that hangs
    /// fails its test instead of hanging the suite (it is cancelled and left behind).
    public static func finishing<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let outcome = FirstOutcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.start(continuation)
            let task = Task {
                do { outcome.finish(.success(try await body())) } catch { outcome.finish(.failure(error)) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                outcome.finish(.success(nil))
                task.cancel()
            }
        }
    }
}

/// Resumes a continuation with whichever outcome comes first.
private final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T?, Error>?

    func start(_ continuation: CheckedContinuation<T?, Error>) { lock.withLock { self.continuation = continuation } }

    func finish(_ result: Result<T?, Error>) {
        let waiting = lock.withLock { () -> CheckedContinuation<T?, Error>? in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}
