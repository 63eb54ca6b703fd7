import Foundation

/// A running command's standard input: bytes queued by any thread, written by the session.
///
/// `close()` sends EOF once everything queued has been written. A command started with
/// `SSHSession.run` gets its input queued and closed at once, so it never waits on stdin.
public final class CommandInput: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var offset = 0
    private var closed = false
    /// Wakes the session when there is something new to write.
    var onInput: (@Sendable () -> Void)?

    init(_ bytes: [UInt8] = [], closed: Bool = false) {
        buffer = bytes
        self.closed = closed
    }

    /// Queues `bytes` for the command.
    public func write(_ bytes: [UInt8]) {
        lock.lock()
        if !closed { buffer += bytes }
        lock.unlock()
        onInput?()
    }

    /// Ends the input (EOF after what is queued).
    public func close() {
        lock.lock()
        closed = true
        lock.unlock()
        onInput?()
    }

    var hasPending: Bool {
        lock.lock()
        defer { lock.unlock() }
        return offset < buffer.count
    }

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed && offset == buffer.count
    }

    /// Up to `limit` queued bytes not yet written, or nil.
    func pending(limit: Int) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard offset < buffer.count else { return nil }
        return Array(buffer[offset..<min(buffer.count, offset + limit)])
    }

    func consume(_ count: Int) {
        lock.lock()
        offset += count
        if offset > 1 << 20 && offset * 2 > buffer.count {
            buffer.removeFirst(offset)
            offset = 0
        }
        lock.unlock()
    }

    /// The command stopped reading: drop what is queued and behave as closed.
    func discard() {
        lock.lock()
        buffer = []
        offset = 0
        closed = true
        lock.unlock()
    }
}
