import Foundation

/// Every secret value the run knows (captured now or loaded from kept state), so any text can
/// be masked before it leaves the engine: events, error messages, log files.
///
/// A lock rather than an actor because redaction happens in synchronous code (event
/// building, error text) all over the run.
final class SecretBook: @unchecked Sendable {
    private let lock = NSLock()
    private var redactor = SecretRedactor()

    func insert(_ secret: String) {
        lock.withLock { redactor.insert(secret) }
    }

    func redact(_ text: String) -> String {
        lock.withLock { redactor.redact(text) }
    }
}
