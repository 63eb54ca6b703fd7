import Foundation

/// Everything the host tasks of one run share.
struct RunContext: Sendable {
    let plan: RunPlan
    let transport: any Transport
    let options: RunOptions
    let sink: any RunEventSink
    let clock: any RunClock
    let state: StateStore
    let board: RunBoard
    let secrets: SecretBook
    let logs: RunLogs
    let forks: ForkLimiter
    let runID: String
    /// The playbook's absolute path, the key its kept captures and runs are stored under.
    let playbookPath: String
    /// The folder relative paths of the playbook are read from. Worked out once: every task
    /// needs it, and `URL(fileURLWithPath:)` asks the file system whether the path is a
    /// folder (measured: a twentieth of `fleet run`'s CPU on 20 hosts when done per task).
    let playbookDirectory: String

    init(plan: RunPlan, transport: any Transport, options: RunOptions, sink: any RunEventSink, clock: any RunClock,
         state: StateStore, board: RunBoard, secrets: SecretBook, logs: RunLogs, forks: ForkLimiter, runID: String,
         playbookPath: String) {
        self.plan = plan
        self.transport = transport
        self.options = options
        self.sink = sink
        self.clock = clock
        self.state = state
        self.board = board
        self.secrets = secrets
        self.logs = logs
        self.forks = forks
        self.runID = runID
        self.playbookPath = playbookPath
        self.playbookDirectory = URL(fileURLWithPath: playbookPath).deletingLastPathComponent().path
    }

    /// The scope task `key` sees on `host` now.
    func scope(for host: Host, key: TaskKey) async -> HostScope {
        HostScope(host: host, inventory: plan.inventory, playVars: plan.play(key).vars, extraVars: options.extraVars,
                  produced: await board.produced, secretNames: await board.secretNames, secrets: secrets)
    }

    /// The task's number in the playbook (1-based), as in log file names.
    func number(of key: TaskKey) -> Int {
        plan.playbook.plays.prefix(key.play).reduce(0) { $0 + $1.tasks.count } + key.task + 1
    }

    /// Tells everyone how `report` ended: event, log files, recap, board values and outcome,
    /// kept state; stops the host when the task failed it.
    func publish(_ report: TaskReport, key: TaskKey, host: Host) async {
        let task = plan.task(key)
        var report = report
        if let kept = report.kept {
            do {
                try state.record(kept)
            } catch {
                report.status = .failed
                report.message = "could not keep capture '\(kept.name)': \(error.localizedDescription)"
            }
        }
        for (name, value, secret) in report.values {
            await board.setValue(value, host: host.name, name: name, secret: secret)
        }
        let stdout = secrets.redact(report.stdout)
        let stderr = secrets.redact(report.stderr)
        let ran = report.status != .skipped && report.status != .unreachable && report.commands.isEmpty
            && (report.rc != nil || !stdout.isEmpty || !stderr.isEmpty)
        let logPath = ran ? logs.write(host: host.name, number: number(of: key), task: task.name, stdout: stdout, stderr: stderr,
                                       failed: report.status == .failed) : nil
        if let kept = report.kept, report.status != .failed {
            sink.emit(.capture(.init(host: host.name, name: kept.name, value: kept.secret ? SecretRedactor.mask : kept.value,
                                     secret: kept.secret, expiresAt: kept.expiresAt)))
        }
        sink.emit(.hostResult(.init(
            host: host.name, play: plan.play(key).name, task: task.name, status: report.status, rc: report.rc,
            duration: report.ended.timeIntervalSince(report.started), commands: report.commands.map(secrets.redact),
            stdoutExcerpt: Self.excerpt(stdout), stderrExcerpt: Self.excerpt(stderr),
            message: report.message.map(secrets.redact), ignored: report.ignored, logPath: logPath,
            action: secrets.redact(task.action.summary), started: report.started, ended: report.ended)))
        await board.count(report.status, ignored: report.ignored, host: host.name, start: report.started, end: report.ended)
        await board.record(report.producerOutcome(task: task.name), host: host.name, key: key)
        if report.stopsHost {
            let outcome = report.producerOutcome(task: task.name)
            if case .unavailable(let reason) = outcome {
                await board.stop(host.name, reason: secrets.redact(reason), unreachable: report.status == .unreachable)
            }
        }
    }

    /// The last few lines of `text` (at most `characters` of them), for one-line summaries,
    /// events and the report; the log has it all.
    ///
    /// The text is read backwards from its end, up to the line break before the lines kept,
    /// so an excerpt costs the same for a task that printed a line as for one that printed
    /// megabytes. A CR LF pair is one line break, as it is one `Character` of a `String`.
    static func excerpt(_ text: String, lines: Int = 5, characters: Int = 2000) -> String {
        let bytes = text.utf8
        var start = bytes.startIndex
        var breaks = 0
        var index = bytes.endIndex
        while index > bytes.startIndex {
            let previous = bytes.index(before: index)
            if bytes[previous] == UInt8(ascii: "\n"), !(previous > bytes.startIndex && bytes[bytes.index(before: previous)] == UInt8(ascii: "\r")) {
                breaks += 1
                if breaks == lines + 1 {
                    start = index
                    break
                }
            }
            index = previous
        }
        let excerpt = text[start...].trimmingCharacters(in: .whitespacesAndNewlines)
        return excerpt.count <= characters ? excerpt : "…" + String(excerpt.suffix(characters))
    }
}
