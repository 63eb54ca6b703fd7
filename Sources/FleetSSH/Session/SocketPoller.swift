import CEpoll
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Socket readiness for every session of the process, from one thread waiting in `epoll`.
///
/// Why not `DispatchSource`: on Linux, libdispatch arms a source's descriptor one-shot and
/// re-arms it from its manager thread, so after every event the session's queue asks that
/// thread (an eventfd write, a wake-up, a context switch) to call `epoll_ctl` again. A task
/// on the runner is several events, so a 20-host playbook spent about a fifth of fleet's CPU
/// in libdispatch's manager and the kernel's scheduling for it (profiled with `perf`). Here a
/// session re-arms its own registration with `epoll_ctl` on its queue (the call is
/// thread-safe and wakes nobody), and the poller thread only hands each event to the queue.
///
/// Registrations are one-shot too: an event disarms them until the session, having stepped
/// its operations, says what it waits for next (`arm`). So a socket whose bytes nobody reads
/// yet (output waiting for a consumer) cannot make the poller spin.
final class SocketPoller: @unchecked Sendable {
    static let shared = SocketPoller()

    /// One socket's registration. `armed` is only touched on `queue`.
    final class Registration: @unchecked Sendable {
        fileprivate let id: UInt64
        let descriptor: Int32
        let queue: DispatchQueue
        fileprivate let handler: @Sendable (_ events: UInt32) -> Void
        /// The events the kernel will report next; 0 once one was reported (one-shot).
        fileprivate var armed: UInt32 = 0

        fileprivate init(id: UInt64, descriptor: Int32, queue: DispatchQueue, handler: @escaping @Sendable (UInt32) -> Void) {
            self.id = id
            self.descriptor = descriptor
            self.queue = queue
            self.handler = handler
        }
    }

    static let readable = cepoll_in
    static let writable = cepoll_out

    private let epoll: Int32
    private let lock = NSLock()
    private var registrations: [UInt64: Registration] = [:]
    private var nextID: UInt64 = 1

    private init() {
        epoll = cepoll_create()
        precondition(epoll >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
        let thread = Thread { [unowned self] in self.wait() }
        thread.name = "fleet.sockets"
        thread.start()
    }

    /// Watches `descriptor` for `events` (0: nothing yet, see `arm`); `handler` runs on
    /// `queue` with the events that came.
    func register(_ descriptor: Int32, queue: DispatchQueue, events: UInt32,
                  handler: @escaping @Sendable (UInt32) -> Void) throws -> Registration {
        let registration = lock.withLock {
            defer { nextID += 1 }
            let registration = Registration(id: nextID, descriptor: descriptor, queue: queue, handler: handler)
            // Set before the kernel can report anything, so an early event's reset is not undone.
            registration.armed = events
            registrations[registration.id] = registration
            return registration
        }
        guard cepoll_add(epoll, descriptor, events | cepoll_oneshot, registration.id) == 0 else {
            let reason = String(cString: strerror(errno))
            lock.withLock { registrations[registration.id] = nil }
            throw SSHError.handshakeFailed(reason: "cannot watch the socket: \(reason)")
        }
        return registration
    }

    /// Waits for `events` next (0: for nothing). Call on the registration's queue (or before
    /// anything is armed, when nothing else can touch it).
    func arm(_ registration: Registration, events: UInt32) {
        guard events != registration.armed else { return }
        // Noted before the call: the event it arms may reach the queue, which resets it, as
        // soon as the call is made.
        let before = registration.armed
        registration.armed = events
        if cepoll_modify(epoll, registration.descriptor, events | cepoll_oneshot, registration.id) != 0 {
            registration.armed = before
        }
    }

    /// Stops watching, before the descriptor is closed. An event already on its way to the
    /// queue still runs the handler, which must then find its session ended.
    func remove(_ registration: Registration) {
        _ = cepoll_delete(epoll, registration.descriptor)
        lock.withLock { registrations[registration.id] = nil }
    }

    private func wait() {
        var masks = [UInt32](repeating: 0, count: 256)
        var ids = [UInt64](repeating: 0, count: 256)
        while true {
            let count = cepoll_wait(epoll, &masks, &ids, 256, -1)
            guard count > 0 else {
                if count < 0 && errno != EINTR {
                    FileHandle.standardError.write(Data("fleet: epoll_wait failed: \(String(cString: strerror(errno)))\n".utf8))
                    usleep(10_000)
                }
                continue
            }
            for index in 0..<Int(count) {
                let id = ids[index]
                let reported = masks[index]
                guard let registration = lock.withLock({ registrations[id] }) else { continue }
                registration.queue.async {
                    registration.armed = 0
                    registration.handler(reported)
                }
            }
        }
    }
}
