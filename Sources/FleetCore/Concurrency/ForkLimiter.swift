/// At most `limit` hosts run a task at once (`--forks`).
actor ForkLimiter {
    private let limit: Int
    private var running = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if running < limit { running += 1; return }
        await withCheckedContinuation { queue.append($0) }
    }

    func release() {
        if queue.isEmpty { running -= 1 } else { queue.removeFirst().resume() }
    }
}

/// One host's hold on a `--forks` slot.
///
/// A host takes a slot for a task and normally gives it back when the task ends. When the
/// task sent the next task's command ahead to the host (a pipelined chain, see
/// `TaskPipelining`), the host keeps the slot for that next task: its command is already
/// running there, and waiting in the queue between the two would both break the chain and
/// let the host run without a slot. The chain is made only of tasks that wait for nothing
/// but their own host, so a held slot is always given back after a bounded amount of work.
/// A task that may wait for another host gives the slot back before it waits, so a reader
/// never sits on a slot that the producer it waits for needs.
struct ForkSlot {
    let limiter: ForkLimiter
    /// Whether this host holds a slot now.
    private(set) var isHeld = false

    init(_ limiter: ForkLimiter) { self.limiter = limiter }

    /// Takes a slot unless this host holds one already.
    mutating func take() async {
        guard !isHeld else { return }
        await limiter.acquire()
        isHeld = true
    }

    /// Gives the slot back if this host holds one.
    mutating func giveBack() async {
        guard isHeld else { return }
        isHeld = false
        await limiter.release()
    }
}
