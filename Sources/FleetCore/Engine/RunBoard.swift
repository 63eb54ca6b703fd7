import Foundation

/// What the hosts of a run share while it goes: values each host registered or captured,
/// how each task ended on each host (so readers of another host's values can wait for them),
/// which hosts stopped and why, `run_once` results, and the recap counts.
actor RunBoard {
    private(set) var produced: [String: [String: VariableValue]] = [:]
    private(set) var secretNames: [String: Set<String>] = [:]
    private var outcomes: [String: [TaskKey: ProducerOutcome]] = [:]
    /// Host → why it takes no further part in the run.
    private(set) var stopped: [String: String] = [:]
    private(set) var unreachable: Set<String> = []
    private var waiters: [String: [(key: TaskKey, continuation: CheckedContinuation<ProducerOutcome, Never>)]] = [:]
    private var runOnceResults: [TaskKey: Task<RunOnceResult, Never>] = [:]
    private var onDemand: [String: Task<ProducerOutcome, Never>] = [:]
    /// Play index → hosts whose batch has started.
    private var startedHosts: [Int: Set<String>] = [:]
    private var recap: [String: RunRecap.HostLine] = [:]
    private var recapOrder: [String] = []
    private var busy: [String: (start: Date, end: Date)] = [:]
    private var interrupted = false

    // MARK: Values

    func setValue(_ value: VariableValue, host: String, name: String, secret: Bool) {
        produced[host, default: [:]][name] = value
        if secret { secretNames[host, default: []].insert(name) } else { secretNames[host]?.remove(name) }
    }

    func value(host: String, name: String) -> VariableValue? {
        produced[host]?[name]
    }

    // MARK: Outcomes and waiting

    func record(_ outcome: ProducerOutcome, host: String, key: TaskKey) {
        outcomes[host, default: [:]][key] = outcome
        let ready = waiters[host, default: []].filter { $0.key == key }
        waiters[host]?.removeAll { $0.key == key }
        for waiter in ready { waiter.continuation.resume(returning: outcome) }
    }

    /// How task `key` ended on `host`, waiting until it has.
    func outcome(host: String, key: TaskKey) async -> ProducerOutcome {
        if let outcome = outcomes[host]?[key] { return outcome }
        if let reason = stopped[host] { return .unavailable(reason) }
        if interrupted { return .unavailable("the run was interrupted") }
        return await withCheckedContinuation { continuation in
            waiters[host, default: []].append((key, continuation))
        }
    }

    /// Takes `host` out of the rest of the run; whoever waits for its values learns why.
    func stop(_ host: String, reason: String, unreachable isUnreachable: Bool = false) {
        if stopped[host] == nil { stopped[host] = reason }
        if isUnreachable { unreachable.insert(host) }
        let pending = waiters.removeValue(forKey: host) ?? []
        for waiter in pending { waiter.continuation.resume(returning: .unavailable(stopped[host]!)) }
    }

    func isActive(_ host: String) -> Bool { stopped[host] == nil }

    /// Releases every waiter: the run was cancelled.
    func interrupt() {
        interrupted = true
        let all = waiters.values.flatMap { $0 }
        waiters.removeAll()
        for waiter in all { waiter.continuation.resume(returning: .unavailable("the run was interrupted")) }
    }

    func markStarted(_ hosts: [String], play: Int) {
        startedHosts[play, default: []].formUnion(hosts)
    }

    func hasStarted(_ host: String, play: Int) -> Bool {
        startedHosts[play]?.contains(host) ?? false
    }

    private var startedTasks: Set<TaskKey> = []

    /// Whether this caller is the first to start task `key` (to announce it once).
    func firstToStart(_ key: TaskKey) -> Bool {
        startedTasks.insert(key).inserted
    }

    // MARK: Once-only work

    /// The result of `run_once` task `key`: the first caller runs `body`, everyone else (in
    /// this batch or a later one) gets the same result.
    func runOnce(_ key: TaskKey, body: @escaping @Sendable () async -> RunOnceResult) async -> RunOnceResult {
        if let existing = runOnceResults[key] { return await existing.value }
        let task = Task { await body() }
        runOnceResults[key] = task
        return await task.value
    }

    /// Produces `name` on `host` on demand (kept value missing or expired) once per run,
    /// however many readers ask at the same time.
    func produceOnce(host: String, name: String, body: @escaping @Sendable () async -> ProducerOutcome) async -> ProducerOutcome {
        let id = "\(host)\u{0}\(name)"
        if let existing = onDemand[id] { return await existing.value }
        let task = Task { await body() }
        onDemand[id] = task
        return await task.value
    }

    // MARK: Recap

    func count(_ status: HostStatus, ignored: Bool, host: String, start: Date, end: Date) {
        if recap[host] == nil { recap[host] = RunRecap.HostLine(host: host); recapOrder.append(host) }
        switch status {
        case .ok: recap[host]!.ok += 1
        case .changed: recap[host]!.changed += 1
        case .skipped: recap[host]!.skipped += 1
        case .failed: if ignored { recap[host]!.ignored += 1 } else { recap[host]!.failed += 1 }
        case .unreachable: recap[host]!.unreachable += 1
        }
        let span = busy[host].map { (min($0.start, start), max($0.end, end)) } ?? (start, end)
        busy[host] = span
        recap[host]!.duration = span.1.timeIntervalSince(span.0)
    }

    /// Recap lines for `hosts` (in that order, then any other host that ran something).
    func recapLines(hosts: [String]) -> [RunRecap.HostLine] {
        var order = hosts
        for host in recapOrder where !order.contains(host) { order.append(host) }
        return order.map { recap[$0] ?? RunRecap.HostLine(host: $0) }
    }
}

/// What a `run_once` task left for every host of its play.
struct RunOnceResult: Sendable {
    /// The host it ran on.
    var host: String
    /// Whether it stopped its host (and so stops every host of the play).
    var failed: Bool
    var outcome: ProducerOutcome
    /// Register and capture values to give every host, with whether each is secret.
    var values: [(name: String, value: VariableValue, secret: Bool)]
}
