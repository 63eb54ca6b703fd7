import FleetCore
import FleetSSH
import Foundation

/// FleetCore's transport over real SSH sessions: one session per host, opened on first
/// use, shared by every task of the run, reconnected once if it drops.
public actor SSHTransport: Transport {
    private let options: SSHOptions
    private let useTaskRunner: Bool
    private var slots: [String: HostSlot] = [:]

    /// - Parameters:
    ///   - options: Settings for every host; per-host inventory values override them.
    ///   - taskRunner: Run commands through one persistent shell per host (`TaskRunner`):
    ///     a round trip per command instead of a channel each. Worth it for playbooks of
    ///     many tasks; a single ad-hoc command is faster on its own channel.
    public init(options: SSHOptions = SSHOptions(), taskRunner: Bool = true) {
        self.options = options
        self.useTaskRunner = taskRunner
    }

    public func connection(to host: FleetCore.Host) async throws -> HostConnection {
        let slot: HostSlot
        if let existing = slots[host.name] {
            slot = existing
        } else {
            slot = HostSlot(target: Self.target(for: host), options: Self.hostOptions(for: host, base: options),
                            useTaskRunner: useTaskRunner)
            slots[host.name] = slot
        }
        return try await slot.connection()
    }

    public func shutdown() async {
        let all = Array(slots.values)
        slots.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for slot in all { group.addTask { await slot.close() } }
        }
    }

    /// Ends the run's use of its sessions without closing the live ones: they are returned,
    /// task runners and all, for a keeper to lend to later runs (see `KeptHost`). The others
    /// (hosts that could not be reached, sessions that dropped) are closed.
    public func handOver() async -> [KeptHost] {
        let all = slots.values.sorted { $0.target.displayName < $1.target.displayName }
        slots.removeAll()
        var kept: [KeptHost] = []
        for slot in all {
            if await slot.isAlive {
                await slot.allowTaskRunner()
                kept.append(KeptHost(adopting: slot))
            } else {
                await slot.close()
            }
        }
        return kept
    }

    /// The inventory's per-host settings applied over the run's defaults.
    public static func hostOptions(for host: FleetCore.Host, base: SSHOptions) -> SSHOptions {
        var options = base
        if let file = host.knownHostsPath, !options.knownHostsFiles.contains(file) {
            options.knownHostsFiles.insert(file, at: 0)
        }
        if let policy = host.hostKeyPolicy.flatMap(HostKeyPolicy.init(rawValue:)) {
            options.hostKeyPolicy = policy
        }
        if let timeout = host.connectTimeout { options.connectTimeout = timeout }
        if let key = host.keyPath { options.identityFiles.removeAll { $0 == key }; options.identityFiles.insert(key, at: 0) }
        return options
    }

    /// Where and as whom to log in to `host`: the inventory's user, else this process's.
    public static func target(for host: FleetCore.Host) -> SSHTarget {
        SSHTarget(displayName: host.name, address: host.address, port: host.port,
                  user: host.user ?? EnvironmentVariable.value("USER") ?? NSUserName())
    }
}

/// One host's session: connects once even when many tasks ask at the same time.
actor HostSlot {
    let target: SSHTarget
    let options: SSHOptions
    private var useTaskRunner: Bool
    /// The host could not start a task runner: it is not tried again on this slot.
    private var runnerUnsupported = false
    private var runner: (session: SSHSession, runner: TaskRunner)?
    private var session: SSHSession?
    private var connecting: Task<SSHSession, Error>?
    /// A dropped session is reconnected once; after that the host is unreachable.
    private var reconnectsLeft = 1
    private var connectFailure: TransportError?

    /// - Parameter session: A session already logged in to `target`, if there is one.
    init(target: SSHTarget, options: SSHOptions, useTaskRunner: Bool, session: SSHSession? = nil) {
        self.target = target
        self.options = options
        self.useTaskRunner = useTaskRunner
        self.session = session
    }

    /// The host's task runner on `session`, started on first use (the run's warm-up or its
    /// first task); nil when the host cannot run one (then every command gets its own channel).
    func taskRunner(on session: SSHSession) async -> TaskRunner? {
        guard useTaskRunner else { return nil }
        if let runner, runner.session === session, await !runner.runner.isBroken { return runner.runner }
        let started = TaskRunner.start(on: session)
        runner = (session, started)
        return started
    }

    /// `runner` did not start on `session` (`TaskRunner.Unavailable`): a host that cannot run
    /// it uses channels from now on; a dead connection is not the host's fault and is handled
    /// by the caller's reconnect.
    func runnerDidNotStart(_ runner: TaskRunner, on session: SSHSession) {
        guard session.isAlive else { return }
        useTaskRunner = false
        runnerUnsupported = true
        if self.runner?.runner === runner { self.runner = nil }
    }

    /// - Parameter runner: Whether commands may go through the host's task runner; without
    ///   it each command gets a channel of its own (ad-hoc commands run by the login shell).
    func connection(runner: Bool = true) async throws -> HostConnection {
        SSHHostConnection(session: try await liveSession(), slot: self, runnerAllowed: runner)
    }

    /// - Parameter dropped: A session a command just found dead. It counts as dead even if it
    ///   does not say so yet: the command hears of the drop before the session has recorded it.
    func liveSession(after dropped: SSHSession? = nil) async throws -> SSHSession {
        // A host that could not be reached stays unreachable for the run: asking again would
        // only wait out the same timeout once more.
        if let connectFailure { throw connectFailure }
        if let session {
            if session.isAlive && session !== dropped { return session }
            guard reconnectsLeft > 0 else {
                throw TransportError(.unreachable, describe(session.deathReason ?? .connectionLost(reason: "session ended")))
            }
            reconnectsLeft -= 1
            self.session = nil
        }
        if let connecting {
            // Someone else is connecting to this host: share their outcome, in the same words.
            do {
                return try await connecting.value
            } catch let error as SSHError {
                throw connectFailure ?? TransportError(.unreachable, describe(error))
            }
        }
        let target = self.target
        let options = self.options
        let task = Task { try await SSHSession.connect(to: target, options: options) }
        connecting = task
        defer { connecting = nil }
        do {
            let session = try await task.value
            self.session = session
            return session
        } catch let error as SSHError {
            let failure = TransportError(.unreachable, describe(error))
            connectFailure = failure
            throw failure
        }
    }

    /// A slot made for ad-hoc commands (no task runner) that is kept for later runs: a
    /// playbook run borrowing it starts the runner on first use, as on a kept login.
    func allowTaskRunner() {
        if !runnerUnsupported { useTaskRunner = true }
    }

    /// A new borrower (the keeper lends a slot to one run after another) gets the one
    /// reconnect each run has.
    func renewReconnect() {
        reconnectsLeft = 1
    }

    /// Whether the session is up (a slot that failed to connect never is).
    var isAlive: Bool { connectFailure == nil && session?.isAlive == true }

    /// Whether a task runner is running on the current session.
    var hasRunner: Bool {
        get async {
            guard let runner, runner.session === session else { return false }
            return await !runner.runner.isBroken
        }
    }

    func close() async {
        await runner?.runner.stop()
        runner = nil
        await session?.close()
        session = nil
    }

    private func describe(_ error: SSHError) -> String {
        error.errorDescription ?? "\(error)"
    }
}

/// Runs commands and transfers on one host's session, mapping SSH errors to FleetCore's.
struct SSHHostConnection: HostConnection {
    let session: SSHSession
    let slot: HostSlot
    let runnerAllowed: Bool

    func run(_ command: RemoteCommand) async throws -> RemoteResult {
        try await run(command, then: [])
    }

    func run(_ command: RemoteCommand, then following: [RemoteCommand]) async throws -> RemoteResult {
        do {
            do {
                return try await run(command, then: following, on: session)
            } catch SSHError.droppedBeforeStart {
                // Nothing ran: one new connection (within the slot's budget) and one more try.
                return try await run(command, then: [], on: try await slot.liveSession(after: session))
            }
        } catch let error as SSHError {
            throw Self.map(error)
        }
    }

    func prepare() async {
        guard runnerAllowed else { return }
        _ = await slot.taskRunner(on: session)
    }

    /// Commands with stdin, a sudo password or a sub-second timeout get a channel of their own.
    private static func needsChannel(_ command: RemoteCommand) -> Bool {
        !command.stdin.isEmpty
            || (command.become && EnvironmentVariable.value("FLEET_BECOME_PASSWORD") != nil)
            || (command.timeout != nil && command.timeout! < 1)
    }

    /// Whether `command` can go through `runner` rather than a channel of its own. A command
    /// with a timeout needs the runner's greeting, which says whether the host can time it out:
    /// it is awaited when `waiting`, else only a greeting already read counts.
    /// A greeting awaited in vain means the runner did not start: `noting` then learns it.
    private static func runnerCanRun(_ command: RemoteCommand, runner: TaskRunner, waiting: Bool,
                                     noting slot: HostSlot? = nil, on session: SSHSession? = nil) async -> Bool {
        guard !needsChannel(command) else { return false }
        guard command.timeout != nil else { return true }
        guard waiting else { return await runner.timeoutAvailable == true }
        if await runner.hasTimeout() { return true }
        if let slot, let session, await runner.isBroken { await slot.runnerDidNotStart(runner, on: session) }
        return false
    }

    private func run(_ command: RemoteCommand, then following: [RemoteCommand], on session: SSHSession) async throws -> RemoteResult {
        if runnerAllowed, !Self.needsChannel(command), let runner = await slot.taskRunner(on: session),
           await Self.runnerCanRun(command, runner: runner, waiting: true, noting: slot, on: session) {
            // Only a chain the runner can run in one go is sent ahead (not waiting for the
            // greeting: the first request goes out at once, see `TaskRunner.start`).
            var ahead: [RemoteCommand] = []
            for next in following {
                guard await Self.runnerCanRun(next, runner: runner, waiting: false) else { break }
                ahead.append(next)
            }
            do {
                return try await runner.run(command, then: ahead)
            } catch let unavailable as TaskRunner.Unavailable {
                // Nothing sent to it ran (see `TaskRunner.start`). On a session that died (the
                // runner's channel found it dead, say) that is a command dropped before it
                // started, which the caller retries once on a new connection; otherwise the
                // host cannot run the runner, and a channel runs the command.
                if case SSHError.droppedBeforeStart(let reason)? = unavailable.cause { throw SSHError.droppedBeforeStart(reason: reason) }
                guard session.isAlive else {
                    throw SSHError.droppedBeforeStart(reason: session.deathReason?.errorDescription ?? "session ended")
                }
                await slot.runnerDidNotStart(runner, on: session)
            } catch let error as TransportError where error.kind == .failed && !session.isAlive {
                throw TransportError(.unreachable, (session.deathReason ?? .connectionLost(reason: "session ended"))
                    .errorDescription ?? error.message)
            }
        }
        // The timeout goes inside sudo: run as the login user, `timeout` could not signal
        // the command sudo starts as root (a `sleep` outlived it in a test).
        let line = command.timeout.map { RemoteTimeout.wrap(command.command, seconds: $0) } ?? command.command
        let wrapped = command.become ? Become.wrap(line, stdin: command.stdin) : (line, command.stdin)
        do {
            let (output, exit) = session.start(wrapped.0, stdin: wrapped.1, timeout: command.timeout)
            let limit = command.outputLimit ?? Int.max
            // Cancelling (Ctrl-C) closes the channel, which also ends the output stream.
            return try await withTaskCancellationHandler {
                var result = RemoteResult(exitCode: nil)
                for await (stream, bytes) in output {
                    if stream == .stdout {
                        OutputLimit.keep(bytes[...], in: &result.stdout, dropped: &result.stdoutDropped, limit: limit)
                    } else {
                        OutputLimit.keep(bytes[...], in: &result.stderr, dropped: &result.stderrDropped, limit: limit)
                    }
                }
                let status = try await exit.value
                if let seconds = command.timeout, RemoteTimeout.endedByTimeout(status) {
                    // The host's `timeout` ended it a moment before fleet's own deadline did.
                    throw SSHError.commandTimedOut(seconds: seconds)
                }
                result.exitCode = status.code
                result.signal = status.signal
                return result
            } onCancel: {
                exit.cancel()
            }
        }
    }

    func upload(_ bytes: [UInt8], to path: String, mode: Int) async throws {
        do { try await session.upload(bytes, to: path, mode: mode) } catch let error as SSHError { throw Self.map(error) }
    }

    func download(_ path: String) async throws -> [UInt8] {
        do { return try await session.download(path) } catch let error as SSHError { throw Self.map(error) }
    }

    static func map(_ error: SSHError) -> TransportError {
        let message = error.errorDescription ?? "\(error)"
        switch error {
        case .commandTimedOut: return TransportError(.timedOut, message)
        case .connectionLost: return TransportError(.unreachable, message)
        default: return TransportError(error.isUnreachable ? .unreachable : .failed, message)
        }
    }
}
