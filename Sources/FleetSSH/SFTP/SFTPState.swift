/// The per-session SFTP channel and the lock that keeps SFTP transfers one at a time
/// (one SFTP channel serves one request stream; interleaving two would mix their packets).
final class SFTPState: @unchecked Sendable {
    var channel: QueueConfined<OpaquePointer>?
}

/// A FIFO async mutex: `withLock` runs bodies one at a time without blocking a thread.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension AsyncLock {
    /// Runs `body` holding the lock.
    nonisolated func withLock<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
