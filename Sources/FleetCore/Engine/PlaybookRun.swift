import Foundation

/// Runs a playbook against an inventory: the scheduler behind `fleet run`.
///
/// Everything is validated first (`PlaybookChecker`, `--limit`, `--start-at-task`,
/// `--retry-failed`); any problem throws `RunSetupError` before a host is contacted. Then
/// plays run in order, each a barrier; within a play, batches (`serial`) in order; within a
/// batch, hosts in parallel up to `forks`, each at its own pace (`strategy: free`) or task
/// by task (`linear`). What happens is told through `RunEvent`s as it happens.
public struct PlaybookRun: Sendable {
    public let playbook: Playbook
    public let inventory: Inventory
    public let transport: any Transport
    public let options: RunOptions
    public let sink: any RunEventSink
    public let state: StateStore
    public let clock: any RunClock

    public init(playbook: Playbook, inventory: Inventory, transport: any Transport, options: RunOptions = RunOptions(),
                sink: any RunEventSink = DiscardingEventSink(), state: StateStore, clock: any RunClock = SystemRunClock()) {
        self.playbook = playbook
        self.inventory = inventory
        self.transport = transport
        self.options = options
        self.sink = sink
        self.state = state
        self.clock = clock
    }

    /// How a run ended.
    public struct Summary: Sendable {
        public var runID: String
        /// 0, 2 (a host failed), 4 (unreachable), 6 (both), 130 (interrupted).
        public var exitCode: Int32
        public var recap: RunRecap
        public var interrupted: Bool
        /// `max_fail_percentage` was exceeded: the run stopped early.
        public var maxFailExceeded: Bool
    }

    /// The playbook's absolute path: the key its kept captures and last run are stored under.
    public var playbookPath: String {
        URL(fileURLWithPath: playbook.path).standardizedFileURL.path
    }

    /// Validates, then runs. Cancelling the calling task interrupts the run: running commands
    /// are abandoned, state is kept, and the summary says `interrupted` (exit code 130).
    /// - Throws: `RunSetupError` when nothing could be run.
    public func run() async throws -> Summary {
        let plan = try makePlan()
        let started = clock.now()
        let runID = RunLogs.newRunID(at: started)
        let secrets = SecretBook()
        for kept in state.captures() where kept.secret { secrets.insert(kept.value) }
        let logs = RunLogs(stateDirectory: state.fileURL.deletingLastPathComponent(), runID: runID)
        // Every run keeps its events in `run.jsonl` beside its logs, whatever the caller renders.
        let sink = FanOutSink([self.sink, JSONLinesSink.journal(in: logs.directory, clock: clock)])
        let context = RunContext(
            plan: plan, transport: transport, options: options, sink: sink, clock: clock, state: state, board: RunBoard(),
            secrets: secrets, logs: logs, forks: ForkLimiter(limit: options.forks), runID: runID, playbookPath: playbookPath)
        let hosts = plan.hosts.map(\.name)
        sink.emit(.runStart(.init(runID: runID, playbook: playbookPath, hosts: hosts, checkMode: options.checkMode,
                                  logDirectory: context.logs.directory.path, inventory: inventory.path)))
        // Every host of the run connects now, in the background: a later play's hosts would
        // otherwise start their handshakes only when that play begins (measured: a quarter of a
        // short playbook's time at 40 ms round trips), and gets ready to run commands (the task
        // runner starts). The tasks reuse these sessions.
        let transport = self.transport
        let warmUp = Task { _ = await boundedParallelMap(plan.hosts, limit: options.forks) { host in
            await (try? await transport.connection(to: host))?.prepare()
        } }
        defer { warmUp.cancel() }
        var maxFailExceeded = false
        await withTaskCancellationHandler {
            for planned in plan.plays {
                let outcome = await context.runPlay(planned)
                maxFailExceeded = maxFailExceeded || outcome.maxFailExceeded
                if outcome.stop || Task.isCancelled { break }
            }
        } onCancel: {
            Task { await context.board.interrupt() }
        }
        let interrupted = Task.isCancelled
        let recap = RunRecap(runID: runID, hosts: await context.board.recapLines(hosts: hosts),
                             logDirectory: context.logs.directory.path, duration: clock.now().timeIntervalSince(started))
        let unreachable = await context.board.unreachable
        let stopped = await context.board.stopped
        let failed = hosts.filter { stopped[$0] != nil && !unreachable.contains($0) }
            + recap.failedHosts.filter { !hosts.contains($0) && !unreachable.contains($0) }
        var code: Int32 = 0
        if !failed.isEmpty || maxFailExceeded { code |= FleetExitCode.hostFailed }
        if !unreachable.isEmpty { code |= FleetExitCode.hostUnreachable }
        if interrupted { code = FleetExitCode.interrupted }
        if !options.checkMode {
            try? state.recordRun(RunRecord(
                runID: runID, playbook: playbookPath, startedAt: started, finishedAt: clock.now(),
                failedHosts: failed, unreachableHosts: inventory.hosts.map(\.name).filter(unreachable.contains),
                okHosts: hosts.filter { stopped[$0] == nil }))
        }
        sink.emit(.recap(recap))
        sink.emit(.runEnd(.init(runID: runID, exitCode: code, interrupted: interrupted)))
        return Summary(runID: runID, exitCode: code, recap: recap, interrupted: interrupted, maxFailExceeded: maxFailExceeded)
    }

    /// Checks the playbook and works out hosts, batches and start task.
    func makePlan() throws -> RunPlan {
        let errors = PlaybookChecker(playbook: playbook, inventory: inventory, extraVars: options.extraVars).check()
        guard errors.isEmpty else { throw RunSetupError.invalid(errors) }
        var restriction: Set<String>?
        do {
            if let limit = options.limit { restriction = Set(try inventory.select(limit).map(\.name)) }
        } catch let error as InputError {
            throw RunSetupError.invalid([InputError("--limit: \(error.message)", hint: error.hint)])
        }
        if options.retryFailed {
            guard let last = state.lastRun(playbook: playbookPath) else { throw RunSetupError.noRunToRetry(playbook: playbookPath) }
            guard !last.hostsToRetry.isEmpty else { throw RunSetupError.nothingToRetry(runID: last.runID) }
            restriction = (restriction ?? Set(inventory.hosts.map(\.name))).intersection(last.hostsToRetry)
        }
        let startAt = try options.startAtTask.map { try RunPlan.startKey(named: $0, in: playbook) }
        let plan: RunPlan
        do {
            plan = try RunPlan(playbook: playbook, inventory: inventory, restriction: restriction, serial: options.serial, startAt: startAt)
        } catch let error as InputError {
            throw RunSetupError.invalid([error])
        }
        guard !plan.hosts.isEmpty else {
            throw RunSetupError.noHosts(options.limit.map { "no play's hosts match --limit '\($0)'" } ?? "no play selects a host")
        }
        return plan
    }
}
