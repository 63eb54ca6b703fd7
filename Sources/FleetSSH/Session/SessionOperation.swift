import CLibSSH2
import Dispatch

/// What one non-blocking step of an operation achieved.
enum StepOutcome {
    /// libssh2 said EAGAIN: wait for the socket (or a wake-up) before stepping again.
    case again
    /// Something moved; step again before waiting, libssh2 may hold more buffered data.
    case progressed
    /// The operation is over and has resumed its waiter; remove it.
    case finished
}

/// A resumable libssh2 state machine driven by `SSHSession`'s pump, always on the session queue.
///
/// libssh2's non-blocking rule is that after EAGAIN the *same* call is repeated with the
/// *same* arguments; each operation keeps that call's state between steps.
protocol SessionOperation: AnyObject {
    /// Advances without blocking.
    func step(_ session: OpaquePointer) -> StepOutcome
    /// When the operation gives up (nil: never).
    var deadline: DispatchTime? { get }
    /// The deadline passed. Returns true when the operation is over and can be removed
    /// (it resumed its waiter); false when it still needs steps to clean up (closing a channel).
    func expire() -> Bool
    /// The session died: resume the waiter with `error`. Called once, then the operation is dropped.
    func abandon(_ error: SSHError)
    /// True while the operation waits for its consumer, not for the socket (output back-pressure):
    /// the socket's readiness must then not wake the session, or it would spin.
    var waitsForConsumer: Bool { get }
}

extension SessionOperation {
    var waitsForConsumer: Bool { false }
}

/// One libssh2 call repeated until it stops saying EAGAIN, resuming an async caller with its result.
///
/// Used for the one-shot calls of the connection phase and of SFTP. A deadline here is fatal
/// for the session: libssh2 keeps half-done internal state for such calls.
final class CallOperation<Value>: SessionOperation {
    /// Returns nil for EAGAIN, a value when done; throws when failed.
    typealias Attempt = (OpaquePointer) throws -> Value?

    private let attempt: Attempt
    private var continuation: CheckedContinuation<QueueConfined<Value>, Error>?
    let deadline: DispatchTime?
    private let what: String
    private let seconds: Double
    weak var owner: SSHSession?

    init(what: String, timeout: Double?, attempt: @escaping Attempt,
         continuation: CheckedContinuation<QueueConfined<Value>, Error>) {
        self.what = what
        self.seconds = timeout ?? 0
        self.deadline = timeout.map { .now() + $0 }
        self.attempt = attempt
        self.continuation = continuation
    }

    func step(_ session: OpaquePointer) -> StepOutcome {
        do {
            guard let value = try attempt(session) else { return .again }
            continuation?.resume(returning: QueueConfined(value: value))
        } catch let error as SSHError {
            if case .connectionLost = error { owner?.die(error) }
            continuation?.resume(throwing: error)
        } catch {
            continuation?.resume(throwing: error)
        }
        continuation = nil
        return .finished
    }

    func expire() -> Bool {
        let error = SSHError.operationTimedOut(what: what, seconds: seconds)
        continuation?.resume(throwing: error)
        continuation = nil
        owner?.die(.connectionLost(reason: "\(what) timed out after \(SSHError.format(seconds))"))
        return true
    }

    func abandon(_ error: SSHError) {
        continuation?.resume(throwing: error)
        continuation = nil
    }
}

extension SSHSession {
    /// Runs `attempt` on the session queue until it returns non-nil, for the async caller.
    ///
    /// - Parameter what: Names the step in a timeout error ("handshake", "SFTP open").
    func call<Value>(
        _ what: String, timeout: Double? = nil, _ attempt: @escaping CallOperation<Value>.Attempt
    ) async throws -> Value {
        let boxedAttempt = QueueConfined(value: attempt)
        let result: QueueConfined<Value> = try await withCheckedThrowingContinuation { continuation in
            self.queue.async {
                let op = CallOperation(
                    what: what, timeout: timeout, attempt: boxedAttempt.value, continuation: continuation)
                op.owner = self
                self.add(op)
            }
        }
        return result.value
    }

    /// Interprets a libssh2 return code for `call`: EAGAIN → nil (retry), other negatives throw.
    static func check(_ rc: Int32, _ session: OpaquePointer, _ what: String) throws -> Int32? {
        if rc == LIBSSH2_ERROR_EAGAIN { return nil }
        if rc < 0 { throw SSHSession.error(rc, session, what) }
        return rc
    }

    /// A pointer-returning libssh2 call for `call`: nil with EAGAIN → nil (retry), nil otherwise throws.
    static func check<P>(_ pointer: P?, _ session: OpaquePointer, _ what: String) throws -> P? {
        if let pointer { return pointer }
        let code = libssh2_session_last_errno(session)
        if code == LIBSSH2_ERROR_EAGAIN { return nil }
        throw SSHSession.error(code, session, what)
    }

    /// The error for a failed libssh2 call; transport failures become `connectionLost`.
    static func error(_ code: Int32, _ session: OpaquePointer, _ what: String) -> SSHError {
        let (_, message) = LibSSH2.lastError(session)
        if LibSSH2.isTransportFailure(code) {
            return .connectionLost(reason: "\(what): \(message) (\(code))")
        }
        return .channelFailed(reason: "\(what): \(message) (\(code))")
    }
}
