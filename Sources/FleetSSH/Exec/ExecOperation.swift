import CLibSSH2
import Dispatch

/// One command on its own channel, as a resumable state machine.
///
/// Order matters with libssh2 1.10: drain *both* streams (they share one window, so an unread
/// stderr stalls stdout), treat a stream as done only at 0 *and* channel EOF, then close,
/// wait for the remote close, and only then read the exit status (earlier it may still be 0).
final class ExecOperation: SessionOperation {
    private enum State {
        /// `io`: the command runs; input is written as it comes, output read as it arrives.
        case open, start, io, close, waitClosed, free, done
    }

    private let command: [CChar]
    private let input: CommandInput
    private var sentEOF = false
    private var retryLength: Int?
    private var queuedRetries = 0
    private let pipe: OutputPipe
    private var continuation: CheckedContinuation<ExitStatus, Error>?
    private var state = State.open
    private var channel: OpaquePointer?
    private var status = ExitStatus(code: nil)
    private var sawEOF = false
    /// Set when the command timed out or was cancelled: the channel is closed without draining.
    private var abortError: SSHError?
    /// Set when the waiter has been answered early (timeout, cancel): output is dropped.
    private var detached = false
    /// A signal for the command's process group on the host, sent before anything else on the
    /// channel (see `detach`).
    private var signalToSend: String?
    /// How long a timed-out command has after TERM before it gets KILL, as `timeout -k 3`.
    static let killGrace = 3.0
    private(set) var deadline: DispatchTime?
    private let timeout: Double?
    weak var owner: SSHSession?
    /// Where output is read into: small at first, since most commands print little and a kept
    /// task runner's channel lives for minutes (500 of them at 64 KiB each would be 32 MB),
    /// and grown to `largeRead` once a read fills it (a big output).
    private var buffer = [CChar](repeating: 0, count: smallRead)
    private static let smallRead = 4 * 1024
    private static let largeRead = 64 * 1024

    init(command: String, input: CommandInput, timeout: Double?, pipe: OutputPipe,
         continuation: CheckedContinuation<ExitStatus, Error>) {
        self.command = Array(command.utf8CString.dropLast())
        self.input = input
        self.timeout = timeout
        self.deadline = timeout.map { .now() + $0 }
        self.pipe = pipe
        self.continuation = continuation
    }

    var waitsForConsumer: Bool { state == .io && !detached && pipe.isFull && !input.hasPending }

    func step(_ session: OpaquePointer) -> StepOutcome {
        var moved = false
        while true {
            let before = state
            let outcome = advance(session)
            switch outcome {
            case .again: return moved ? .progressed : .again
            case .finished: return .finished
            case .progressed:
                moved = true
                if before == .io && state == .io { return .progressed }
            }
        }
    }

    private func advance(_ session: OpaquePointer) -> StepOutcome {
        switch state {
        case .open:
            guard let opened = clibssh2_open_session(session) else {
                let code = libssh2_session_last_errno(session)
                if code == LIBSSH2_ERROR_EAGAIN { return .again }
                let error = SSHSession.error(code, session, "opening a channel")
                if case .connectionLost(let reason) = error {
                    abandon(.droppedBeforeStart(reason: reason))  // before die(), which would answer `error`
                    owner?.die(error)
                    return .finished
                }
                return fail(error)
            }
            channel = opened
            state = .start
        case .start:
            let rc = command.withUnsafeBufferPointer { clibssh2_exec(channel, $0.baseAddress, UInt32($0.count)) }
            if rc == LIBSSH2_ERROR_EAGAIN { return .again }
            if rc < 0 {
                abortError = SSHSession.error(rc, session, "starting the command")
                state = .close
                return .progressed
            }
            state = abortError != nil ? .close : .io
        case .io:
            if !sendPendingSignal() { return .again }
            switch writeInput(session) {
            case .again: return .again  // a half-sent packet must be finished before anything else
            case .progressed:
                let outcome = read(session)
                return outcome == .again ? .progressed : outcome
            case .finished: return read(session)
            }
        case .close:
            if !sendPendingSignal() { return .again }
            let rc = libssh2_channel_close(channel)
            if rc == LIBSSH2_ERROR_EAGAIN { return .again }
            if rc < 0 && LibSSH2.isTransportFailure(rc) { return fail(SSHSession.error(rc, session, "closing")) }
            state = sawEOF && abortError == nil ? .waitClosed : .free
        case .waitClosed:
            let rc = libssh2_channel_wait_closed(channel)
            if rc == LIBSSH2_ERROR_EAGAIN { return .again }
            if rc == 0 {
                status.code = libssh2_channel_get_exit_status(channel)
                var signal: UnsafeMutablePointer<CChar>?
                var length = 0
                libssh2_channel_get_exit_signal(channel, &signal, &length, nil, nil, nil, nil)
                if let signal {
                    status.signal = String(cString: signal)
                    status.code = nil
                    libssh2_free(session, signal)
                }
            }
            state = .free
        case .free:
            let rc = libssh2_channel_free(channel)
            if rc == LIBSSH2_ERROR_EAGAIN { return .again }
            channel = nil
            state = .done
            pipe.finish()
            if let abortError {
                continuation?.resume(throwing: abortError)
            } else {
                continuation?.resume(returning: status)
            }
            continuation = nil
            return .finished
        case .done:
            return .finished
        }
        return .progressed
    }

    /// Writes pending input, then EOF once the input is closed. `.finished` means nothing to write now.
    private func writeInput(_ session: OpaquePointer) -> StepOutcome {
        if let pending = input.pending(limit: retryLength ?? 32 * 1024) {
            let rc = pending.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    libssh2_channel_write_ex(channel, 0, $0, buffer.count)
                }
            }
            // libssh2's rule: after EAGAIN, the same call with the same arguments.
            if rc == Int(LIBSSH2_ERROR_EAGAIN) { retryLength = pending.count; return .again }
            retryLength = nil
            if rc < 0 {
                // The command may have exited without reading its input; its status still counts.
                input.discard()
                return .progressed
            }
            input.consume(rc)
            return .progressed
        }
        if input.isClosed && !sentEOF {
            let rc = libssh2_channel_send_eof(channel)
            if rc == LIBSSH2_ERROR_EAGAIN { return .again }
            sentEOF = true
            return .progressed
        }
        return .finished
    }

    /// Reads both streams until each says EAGAIN; moves on at EOF with both drained.
    private func read(_ session: OpaquePointer) -> StepOutcome {
        var moved = false
        var bothEmpty = true
        for (streamID, kind) in [(Int32(0), OutputStreamKind.stdout), (Int32(SSH_EXTENDED_DATA_STDERR), .stderr)] {
            while detached || pipe.hasRoom {
                let rc = buffer.withUnsafeMutableBufferPointer {
                    libssh2_channel_read_ex(channel, streamID, $0.baseAddress, $0.count)
                }
                if rc > 0 {
                    let bytes = buffer.withUnsafeBufferPointer { raw in
                        raw.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: rc) { Array(UnsafeBufferPointer(start: $0, count: rc)) }
                    }
                    if !detached { pipe.push(kind, bytes) }
                    if rc == buffer.count && buffer.count < Self.largeRead {
                        buffer = [CChar](repeating: 0, count: Self.largeRead)
                    }
                    moved = true
                    bothEmpty = false
                    continue
                }
                if rc == Int(LIBSSH2_ERROR_EAGAIN) { bothEmpty = false; break }
                if rc < 0 { return fail(SSHSession.error(Int32(rc), session, "reading output")) }
                break  // 0: nothing now, or end of this stream
            }
            if !detached && !pipe.hasRoom { return moved ? .progressed : .again }
        }
        if bothEmpty && libssh2_channel_eof(channel) == 1 {
            sawEOF = true
            state = .close
            return .progressed
        }
        if moved {
            queuedRetries = 0
            return .progressed
        }
        // Reading stderr pulls every pending packet off the socket, stdout's among them. Those
        // sit in libssh2's queue where no socket event will announce them, and until stdout is
        // read again libssh2 sends no window adjust, so the host stops sending: a stall until
        // some timer fires. So when bytes are queued, read once more (a bounded number of times,
        // in case the queue holds bytes of a stream that has ended).
        var queued: UInt = 0
        _ = libssh2_channel_window_read_ex(channel, &queued, nil)
        if queued > 0 && queuedRetries < 2 && (detached || pipe.hasRoom) {
            queuedRetries += 1
            return .progressed
        }
        return .again
    }

    private func fail(_ error: SSHError) -> StepOutcome {
        if case .connectionLost = error {
            abandon(error)
            return .finished
        }
        abortError = error
        state = channel == nil ? .done : .close
        if channel == nil {
            abandon(error)
            return .finished
        }
        return .progressed
    }

    func expire() -> Bool {
        if state == .open || state == .start {
            // Opening cannot be abandoned half-way without confusing libssh2: the session goes.
            abandon(.commandTimedOut(seconds: timeout ?? 0))
            owner?.die(.connectionLost(reason: "no channel could be opened within \(SSHError.format(timeout ?? 0))"))
            return true
        }
        if detached {
            // TERM at the timeout did not end it (its channel is still open): KILL, as `timeout -k` does.
            signalToSend = "KILL"
            deadline = nil
            return false
        }
        detach(.commandTimedOut(seconds: timeout ?? 0), signal: "TERM")
        deadline = .now() + Self.killGrace
        return false
    }

    /// Cancels the command (Ctrl-C): the waiter gets `cancelled` at once, the command a hangup.
    func cancel() {
        guard continuation != nil else { return }
        if state == .open || state == .start {
            abortError = .cancelled  // closes right after the start completes
            signalToSend = "HUP"
            return
        }
        detach(.cancelled, signal: "HUP")
    }

    /// Gives the waiter `error` now, signals the command, and lets the channel finish in the
    /// background.
    ///
    /// sshd does not stop a command whose channel the client closes (without a terminal nothing
    /// gets a hangup), and answers the close only when the command exits, so waiting would hold
    /// the caller as long as the command runs. So the command's process group on the host gets
    /// `signal` (RFC 4254's "signal" request; OpenSSH 7.9 and later deliver it with `killpg`):
    /// HUP when the caller gave up, as a closed terminal would send, which `nohup` daemons
    /// survive; TERM at a timeout, and KILL `killGrace` later. Meanwhile the remaining output is
    /// read and dropped (keeping the shared window open for other channels) and the channel is
    /// freed when the command ends.
    private func detach(_ error: SSHError, signal: String) {
        detached = true
        deadline = nil
        signalToSend = signal
        pipe.finish()
        continuation?.resume(throwing: error)
        continuation = nil
    }

    /// Sends the pending signal; false while libssh2 says EAGAIN (the same call must follow).
    ///
    /// While a packet of this channel's input is half-sent, libssh2 refuses any other packet
    /// (BAD_USE, nothing sent): the signal then stays pending, the write goes on, and the next
    /// step tries again. A signal that cannot be sent at all (a system libssh2 without the call,
    /// a lost connection) is dropped.
    private func sendPendingSignal() -> Bool {
        guard let name = signalToSend, let channel else { return true }
        let rc = clibssh2_channel_signal(channel, name)
        if rc == LIBSSH2_ERROR_EAGAIN { return false }
        if rc != LIBSSH2_ERROR_BAD_USE { signalToSend = nil }
        return true
    }

    func abandon(_ error: SSHError) {
        pipe.finish()
        continuation?.resume(throwing: error)
        continuation = nil
        state = .done
    }
}
