import Foundation

/// Which stream a chunk of command output came from.
public enum OutputStreamKind: Sendable, Hashable {
    case stdout
    case stderr
}

/// A bounded buffer between a channel and whoever consumes its output.
///
/// The channel stops reading while more than `highWater` bytes wait here; the SSH window
/// then stops the remote command from sending, so memory stays bounded whatever a host
/// prints. The consumer's `next()` wakes the session when it makes room again.
final class OutputPipe: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [(OutputStreamKind, [UInt8])] = []
    private var head = 0
    private var buffered = 0
    private var finished = false
    private var waiter: CheckedContinuation<(OutputStreamKind, [UInt8])?, Never>?
    private let highWater: Int
    private var producerStalled = false
    /// Called (from the consumer's thread) when a stalled producer may read again.
    var onRoom: (@Sendable () -> Void)?

    init(highWater: Int = 1 << 20) {
        self.highWater = highWater
    }

    /// Bytes waiting for the consumer.
    var bufferedBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return buffered
    }

    /// Whether the consumer is behind by the high-water mark (without marking a stall).
    var isFull: Bool {
        lock.lock()
        defer { lock.unlock() }
        return buffered >= highWater
    }

    /// Whether the producer may read more; remembers a refusal so the consumer wakes it later.
    var hasRoom: Bool {
        lock.lock()
        defer { lock.unlock() }
        if buffered >= highWater {
            producerStalled = true
            return false
        }
        return true
    }

    func push(_ stream: OutputStreamKind, _ bytes: [UInt8]) {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: (stream, bytes))
            return
        }
        chunks.append((stream, bytes))
        buffered += bytes.count
        lock.unlock()
    }

    func finish() {
        lock.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }

    /// The next chunk, or nil once the command's output is over.
    func next() async -> (OutputStreamKind, [UInt8])? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if head < chunks.count {
                let chunk = chunks[head]
                head += 1
                buffered -= chunk.1.count
                if head > 64 && head * 2 > chunks.count {
                    chunks.removeFirst(head)
                    head = 0
                }
                // Any room wakes a stalled producer at once: libssh2 may already hold the next
                // packets, and the socket will not become readable again to say so.
                let wake = producerStalled && buffered < highWater
                if wake { producerStalled = false }
                lock.unlock()
                if wake { onRoom?() }
                continuation.resume(returning: chunk)
            } else if finished {
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                let wake = producerStalled
                producerStalled = false
                lock.unlock()
                if wake { onRoom?() }
            }
        }
    }
}
