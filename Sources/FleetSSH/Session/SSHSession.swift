import CLibSSH2
import Dispatch
import Foundation

/// One SSH connection to one host, owned by one serial queue.
///
/// libssh2 sessions are not thread-safe, and in non-blocking mode every call can return
/// EAGAIN. So every libssh2 call for this session runs on `queue`, inside `pump()`, driven
/// by socket readiness (`SocketPoller`) and one timer, never blocking a thread. Hundreds of
/// sessions therefore share the few threads Dispatch keeps, instead of one thread per host.
/// Async callers enqueue an operation and await its continuation.
public final class SSHSession: @unchecked Sendable {
    /// The host this session talks to, for messages.
    public let target: SSHTarget
    let queue: DispatchQueue
    private(set) var raw: OpaquePointer
    let socket: Int32

    // Everything below is only touched on `queue`.
    private var operations: [SessionOperation] = []
    /// The operation whose half-sent packet blocks every other send (libssh2 keeps one
    /// outbound buffer per session and answers anything else with BAD_USE).
    private var outboundOwner: SessionOperation?
    private var failure: SSHError? {
        didSet { endLock.withLock { endReason = failure } }
    }
    /// The socket's readiness, reported on `queue` (set once in `init`).
    private var watch: SocketPoller.Registration!
    private let timer: DispatchSourceTimer
    /// When the timer is set to fire next (`distantFuture`: not set).
    private var timerWake = DispatchTime.distantFuture
    private var pumpScheduled = false

    // Keepalive and dead-peer detection (libssh2 has no ServerAliveCountMax).
    private let configuredKeepalive: Int
    /// Zero until login is complete: a keepalive packet in the middle of key exchange breaks it.
    private var keepaliveInterval = 0
    private var nextKeepalive: DispatchTime = .distantFuture
    private var lastInbound: DispatchTime = .now()
    private var lastKeepaliveSent: DispatchTime = .now()
    private var closed = false

    /// A copy of `failure` that any thread can read at once. Asking `queue` instead
    /// (`queue.sync`) from a Swift task blocks a thread of the small shared pool that also
    /// runs `queue`; with every pool thread so blocked nothing runs until Dispatch adds
    /// threads, which it does only after a while (stalls of 0.2 s were measured per run).
    private let endLock = NSLock()
    private nonisolated(unsafe) var endReason: SSHError?

    let sftpState = SFTPState()
    let sftpLock = AsyncLock()

    init(target: SSHTarget, socket: Int32, keepaliveInterval: Int) throws {
        LibSSH2.initialise()
        guard let raw = clibssh2_session_init() else {
            throw SSHError.handshakeFailed(reason: "libssh2 could not allocate a session")
        }
        self.target = target
        self.raw = raw
        self.socket = socket
        self.configuredKeepalive = keepaliveInterval
        // Targeting the non-overcommit global queue keeps the thread count near the core
        // count; a queue's default target spawns a thread per busy queue.
        self.queue = DispatchQueue(label: "fleet.ssh.\(target.displayName)", target: .global())
        libssh2_session_set_blocking(raw, 0)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [unowned self] in self.pump() }
        timer.schedule(deadline: .distantFuture)
        timer.resume()
        do {
            // Weak: an event already on its way may arrive after the session was closed and freed.
            watch = try SocketPoller.shared.register(socket, queue: queue, events: 0) { [weak self] events in
                guard let self else { return }
                if events & ~SocketPoller.writable != 0 { self.lastInbound = .now() }
                self.pump()
            }
            // Armed only once `watch` is set: the handler may run at once, and `arm()` needs it.
            SocketPoller.shared.arm(watch, events: SocketPoller.readable)
        } catch {
            timer.cancel()
            SSHSession.free(raw)
            throw error
        }
    }

    /// Starts client keepalives once the session is logged in; the first is sent one interval
    /// later, not at once.
    ///
    /// A keepalive right after login costs a whole delayed-ACK timeout (about 40 ms) on the
    /// first command: sshd answers it, then cannot send its answer to the channel open, a second
    /// small packet, until that reply is acknowledged (Nagle; sshd leaves it on outside
    /// interactive sessions), and the client acknowledges only after its delayed-ACK timer.
    func startKeepalive() {
        queue.async { [self] in
            guard configuredKeepalive > 0, failure == nil else { return }
            libssh2_keepalive_config(raw, 1, UInt32(configuredKeepalive))
            keepaliveInterval = configuredKeepalive
            lastInbound = .now()
            nextKeepalive = .now() + Double(configuredKeepalive)
            pump()
        }
    }

    /// Adds an operation and steps it at once. Must be called on `queue`.
    func add(_ operation: SessionOperation) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let failure {
            // It never started, so whoever asked may retry it on a new connection.
            operation.abandon(.droppedBeforeStart(reason: failure.errorDescription ?? "session ended"))
            return
        }
        operations.append(operation)
        pump()
    }

    /// Asks for a pump soon, from any thread (e.g. a consumer that made room for output).
    func wake() {
        queue.async { [self] in
            if failure == nil { pump() }
        }
    }

    /// Steps every operation until all wait on the socket, then arms the sources and the timer.
    func pump() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard failure == nil, !closed else { return }
        expireOverdue()
        guard failure == nil else { return }
        if let owner = outboundOwner {
            switch owner.step(raw) {
            case .again:
                if blockedOutbound {
                    return arm()
                }
                outboundOwner = nil
            case .finished:
                remove(owner)
                outboundOwner = nil
            case .progressed:
                outboundOwner = nil
            }
        }
        var rounds = 0
        var progressed = true
        outer: while progressed && failure == nil {
            progressed = false
            rounds += 1
            if rounds > 64 {
                // Let timers and other sessions' work in; come back right after.
                scheduleAsyncPump()
                break
            }
            for operation in operations where failure == nil {
                switch operation.step(raw) {
                case .progressed:
                    progressed = true
                case .finished:
                    remove(operation)
                    progressed = true
                case .again:
                    if blockedOutbound {
                        outboundOwner = operation
                        break outer
                    }
                }
            }
        }
        guard failure == nil else { return }
        keepAlive()
        arm()
    }

    private var blockedOutbound: Bool {
        libssh2_session_block_directions(raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
    }

    private func scheduleAsyncPump() {
        guard !pumpScheduled else { return }
        pumpScheduled = true
        queue.async { [self] in
            pumpScheduled = false
            pump()
        }
    }

    private func remove(_ operation: SessionOperation) {
        operations.removeAll { $0 === operation }
    }

    private func expireOverdue() {
        let now = DispatchTime.now()
        for operation in operations {
            if let deadline = operation.deadline, deadline <= now, operation.expire() {
                remove(operation)
                if outboundOwner === operation { outboundOwner = nil }
            }
        }
    }

    /// Sends a keepalive when due and declares the peer dead after three silent intervals.
    private func keepAlive() {
        guard keepaliveInterval > 0, outboundOwner == nil else { return }
        let now = DispatchTime.now()
        let silentFor = Double(now.uptimeNanoseconds &- lastInbound.uptimeNanoseconds) / 1e9
        if silentFor > Double(keepaliveInterval * 3) + 0.5 {
            die(.connectionLost(reason: "no answer from \(target.displayName) for \(Int(silentFor))s (keepalive)"))
            return
        }
        guard now >= nextKeepalive || nextKeepalive == .distantFuture else { return }
        var seconds: Int32 = 0
        let rc = libssh2_keepalive_send(raw, &seconds)
        if rc < 0 && rc != LIBSSH2_ERROR_EAGAIN {
            die(SSHSession.error(rc, raw, "keepalive"))
            return
        }
        nextKeepalive = now + Double(max(1, seconds))
        // The reply must be seen even when idle: `arm()` listens while one is awaited.
        lastKeepaliveSent = now
    }

    /// Waits for writability only while a send is blocked (it would report at once and
    /// spin otherwise), for readability only while an operation or a keepalive reply wants
    /// bytes (output waiting for its consumer would spin too), and sets the timer to the
    /// nearest deadline. Re-arming is one `epoll_ctl` on this queue, and none when the
    /// registration still waits for the same events (see `SocketPoller`).
    private func arm() {
        let wantWrite = blockedOutbound
        let wantRead = operations.contains { !$0.waitsForConsumer }
            || (keepaliveInterval > 0 && lastInbound <= lastKeepaliveSent)
        SocketPoller.shared.arm(watch, events: (wantRead ? SocketPoller.readable : 0) | (wantWrite ? SocketPoller.writable : 0))
        if wantRead { acknowledgeNow() }
        var wake = DispatchTime.distantFuture
        for operation in operations {
            if let deadline = operation.deadline, deadline < wake { wake = deadline }
        }
        if keepaliveInterval > 0 {
            wake = min(wake, nextKeepalive, lastInbound + Double(keepaliveInterval * 3) + 1)
        }
        if !operations.isEmpty {
            // A safety net while work is in flight: libssh2 can hold data or a half-sent packet
            // that no socket event will announce (the known case, stdout queued by a stderr
            // read, is handled in ExecOperation.read), so the session looks again every 200 ms.
            wake = min(wake, .now() + .milliseconds(200))
        }
        if wantRead && !operations.isEmpty && libssh2_session_block_directions(raw) == 0 {
            // libssh2 sometimes reports EAGAIN without a direction: poll as it does itself.
            wake = min(wake, .now() + .milliseconds(20))
        }
        // Setting a dispatch timer wakes libdispatch's manager thread, and this runs after
        // every step: keep a pending wake-up that comes no later than needed (an early one
        // only pumps once more and sets the timer again) instead of moving it each time.
        let now = DispatchTime.now()
        if wake < timerWake || timerWake <= now {
            timer.schedule(deadline: wake, leeway: .milliseconds(5))
            timerWake = wake
        }
    }

    /// Acknowledges what came in at once instead of after the kernel's delayed-ACK timer, before
    /// the session waits for the host's next packet.
    ///
    /// sshd leaves Nagle on outside interactive sessions, so a small packet it sends while an
    /// earlier one is unacknowledged waits for the ACK. Linux delays an ACK that no data of ours
    /// carries by at least 40 ms once a connection looks request-and-answer. So whenever the
    /// host sends two packets with nothing from us between them, the second waited 40 ms: after
    /// login sshd sends its host keys (`hostkeys-00@openssh.com`) and then the answer to our
    /// channel open, which made every login on a LAN 40 ms longer (`fleet exec` on one lab
    /// host took 88 ms, 50 ms with this; `Docs/performance.md`, fifteenth round). Setting
    /// TCP_QUICKACK sends a pending ACK now and acknowledges the next segments at once; the
    /// kernel clears it again by itself, so it is set each time the session goes to wait.
    private func acknowledgeNow() {
        #if os(Linux)
        var one: Int32 = 1
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// Declares the session dead: every waiting operation gets `error`, the socket is closed.
    func die(_ error: SSHError) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard failure == nil else { return }
        failure = error
        let pending = operations
        operations.removeAll()
        outboundOwner = nil
        for operation in pending { operation.abandon(error) }
        teardown(disconnect: false)
    }

    /// Whether the session can still run commands.
    public var isAlive: Bool {
        endLock.withLock { endReason == nil }
    }

    /// The reason the session died, if it did.
    public var deathReason: SSHError? {
        endLock.withLock { endReason }
    }

    /// Ends the session politely (SSH disconnect) and releases everything.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                if failure == nil && !closed {
                    let pending = operations
                    operations.removeAll()
                    for operation in pending { operation.abandon(.cancelled) }
                    failure = .connectionLost(reason: "session closed")
                    teardown(disconnect: true)
                }
                continuation.resume()
            }
        }
    }

    private func teardown(disconnect: Bool) {
        guard !closed else { return }
        closed = true
        if disconnect {
            // One attempt: a full send buffer must not hold up shutdown.
            _ = clibssh2_session_disconnect(raw, "fleet done")
        }
        // Nothing more is wanted from the peer. Without this, freeing a session with open
        // channels waits (blocking, up to a second) for the peer to confirm each channel's
        // close: a round trip per host on a thread of the shared pool, which made closing
        // 20 sessions at 40 ms round trips take 0.4 s. Data already queued is still sent.
        _ = shutdown(socket, Int32(SHUT_RDWR))
        SSHSession.free(raw)
        timer.cancel()
        SocketPoller.shared.remove(watch)
        closeDescriptor(socket)
    }
}

extension SSHSession {
    /// Frees a session. In non-blocking mode libssh2 may still want to send channel closes
    /// and answer EAGAIN; after a few tries it gets one blocking second, then it is freed anyway.
    static func free(_ raw: OpaquePointer) {
        for _ in 0..<3 where libssh2_session_free(raw) != LIBSSH2_ERROR_EAGAIN {
            return
        }
        libssh2_session_set_timeout(raw, 1000)
        libssh2_session_set_blocking(raw, 1)
        _ = libssh2_session_free(raw)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, named apart from `SSHSession.close()`.
@inline(__always) func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}
