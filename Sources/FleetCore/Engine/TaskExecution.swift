import Foundation

/// Running one task on one host: guards, the action with retries, results, register and capture.
extension RunContext {
    /// Runs task `key` on `host` on its own, with a fork slot of its own and nothing sent
    /// ahead, and reports how it ended; nothing is published yet.
    func execute(_ key: TaskKey, on host: Host) async -> TaskReport {
        var lane = HostLane(forks, followsThePlay: false)
        let report = await execute(key, on: host, lane: &lane)
        await lane.slot.giveBack()
        return report
    }

    /// Runs task `key` on `host` and reports how it ended; nothing is published yet.
    ///
    /// `lane.slot` is the host's hold on a fork slot. A task that reads another host's values
    /// (or one this host produced outside the run) gives it back before it waits for them.
    /// The slot is still held afterwards only when the task sent the next task's command
    /// ahead: the host then goes straight on with that task (see `ForkSlot`).
    func execute(_ key: TaskKey, on host: Host, lane: inout HostLane) async -> TaskReport {
        let task = plan.task(key)
        let started = clock.now()
        let resolver = DataflowResolver(run: self)
        let dependencies = resolver.dependencies(of: key, on: host)
        if !dependencies.isEmpty {
            await lane.slot.giveBack()
            if let unavailable = await resolver.resolve(dependencies, for: key, on: host) {
                return .failed(unavailable, started: started, ended: clock.now())
            }
        }
        await lane.slot.take()
        let report = await executeHoldingSlot(task, key: key, on: host, started: clock.now(), lane: &lane)
        if !report.sentNextAhead || report.stopsHost { await lane.slot.giveBack() }
        return report
    }

    private func executeHoldingSlot(_ task: PlayTask, key: TaskKey, on host: Host, started: Date,
                                    lane: inout HostLane) async -> TaskReport {
        var report = TaskReport(status: .ok, started: started, ended: started)
        func finished(_ status: HostStatus, _ message: String? = nil) -> TaskReport {
            report.status = status
            report.message = message
            report.ended = clock.now()
            return report
        }
        if Task.isCancelled { return finished(.failed, "the run was interrupted") }
        let scope = await self.scope(for: host, key: key)
        var condition: String?
        do {
            if let when = task.when, options.checkMode, let unknown = CheckModeUnknowns.unknownPath(in: when, scope: scope) {
                condition = "only if \(when.source); \(unknown) is not known before the run"
            } else if let when = task.when, !(try when.isTrue(in: scope)) {
                return finished(.skipped, "when: \(when.source) is false")
            }
        } catch {
            return finished(.failed, Self.describe(error))
        }
        let connection: any HostConnection
        do {
            connection = try await transport.connection(to: host)
        } catch {
            return finished(Self.isUnreachable(error) ? .unreachable : .failed, Self.describe(error))
        }
        let play = plan.play(key)
        var context = ActionContext(
            host: host, connection: connection, scope: scope, playbookDirectory: playbookDirectory,
            become: task.become ?? (play.become || host.become), timeout: task.timeout, fetchDirectory: playbookDirectory)
        do {
            if task.creates != nil || task.removes != nil || task.unless != nil,
               let reason = try await ActionExecutor.skipReason(
                   creates: task.creates?.render(in: scope), removes: task.removes?.render(in: scope),
                   unless: task.unless?.render(in: scope), context: context) {
                return finished(.skipped, reason)
            }
            if options.checkMode {
                report.commands = try await ActionExecutor.plan(task.action, context: context)
                report.values = await placeholders(for: task, on: host)
                // A changed_when that reads nothing (`changed_when: false` on a probe) decides now.
                let changes = try task.changedWhen.flatMap { $0.referencedPaths.isEmpty ? try $0.isTrue(in: scope) : nil } ?? true
                return finished(report.commands.isEmpty || !changes ? .ok : .changed, condition)
            }
            if lane.followsThePlay {
                context.following = commandsAhead(of: key, on: host, connection: connection, scope: scope,
                                                  known: &lane.commandsAhead)
            }
            report.sentNextAhead = !context.following.isEmpty
            return try await runAction(task, context: context, scope: scope, report: report)
        } catch {
            return finished(Self.isUnreachable(error) ? .unreachable : .failed, Self.describe(error))
        }
    }

    /// The action, retried per `retries`/`until`, judged by `failed_when`/`changed_when`,
    /// then registered and captured.
    private func runAction(_ task: PlayTask, context: ActionContext, scope: HostScope, report: TaskReport) async throws -> TaskReport {
        var report = report
        let retries = task.until != nil && task.retries == 0 ? 3 : task.retries
        var attempt = 0
        var outcome: ActionOutcome
        var judged: (failed: Bool, done: Bool)
        var resultScope = scope
        repeat {
            attempt += 1
            outcome = try await ActionExecutor.run(task.action, context: context)
            let registered = Self.registered(outcome.result)
            resultScope.resultLayer = ["result": registered]
            if let name = task.register { resultScope.resultLayer[name] = registered }
            let failed = try task.failedWhen.map { try $0.isTrue(in: resultScope) } ?? !outcome.result.succeeded
            judged = (failed, try task.until.map { try $0.isTrue(in: resultScope) } ?? !failed)
            if judged.done || attempt > retries { break }
            try await clock.sleep(seconds: task.delay)
        } while true
        report.rc = outcome.result.exitCode
        report.stdout = outcome.result.stdoutText
        report.stderr = outcome.result.stderrText
        if let name = task.register { report.values.append((name, Self.registered(outcome.result), false)) }
        var failed = judged.failed
        var message: String?
        if !judged.done, task.until != nil {
            failed = true
            message = "until '\(task.until!.source)' still false after \(attempt) attempt\(attempt == 1 ? "" : "s")"
        } else if failed {
            message = outcome.result.statusText + (Self.lastLine(report.stderr).map { ": \($0)" } ?? "")
        }
        if !failed, let spec = task.capture {
            switch CaptureExtractor.value(of: spec, stdout: report.stdout) {
            case .success(let value):
                if spec.secret { secrets.insert(value) }
                report.values.append((spec.name, .string(value), spec.secret))
                let now = clock.now()
                report.kept = KeptCapture(host: context.host.name, name: spec.name, value: value, secret: spec.secret,
                                          task: task.name, playbook: playbookPath, capturedAt: now, ttl: spec.ttl)
            case .failure(let failure):
                failed = true
                message = failure.message
            }
        }
        let changed = try task.changedWhen.map { try $0.isTrue(in: resultScope) } ?? outcome.changed
        report.status = failed ? .failed : (changed ? .changed : .ok)
        report.ignored = failed && task.ignoreErrors
        report.message = message ?? (failed ? nil : (outcome.summary.isEmpty ? nil : outcome.summary))
        report.ended = clock.now()
        return report
    }

    /// In check mode a value this run would produce is not known: readers see the kept value
    /// when there is a fresh one, else a placeholder naming where it would come from.
    private func placeholders(for task: PlayTask, on host: Host) async -> [(name: String, value: VariableValue, secret: Bool)] {
        var values: [(name: String, value: VariableValue, secret: Bool)] = []
        if let name = task.register {
            values.append((name, .map(["stdout": .string(CheckModeUnknowns.registerPlaceholder(host: host.name, name: name)), "stderr": .string(""),
                                       "rc": .int(0), "lines": .list([])]), false))
        }
        if let spec = task.capture {
            if let kept = state.capture(host: host.name, name: spec.name), !kept.isExpired(at: clock.now()) {
                if kept.secret { secrets.insert(kept.value) }
                values.append((spec.name, .string(kept.value), kept.secret))
            } else {
                values.append((spec.name, .string(Self.placeholder(host: host.name, name: spec.name)), false))
            }
        }
        return values
    }

    static func placeholder(host: String, name: String) -> String { CheckModeUnknowns.capturePlaceholder(host: host, name: name) }

    /// `{stdout, stderr, rc, lines}`: what `register` keeps and `result` shows. As in
    /// Ansible, one trailing newline is dropped from stdout and stderr, so `{{ r.stdout }}`
    /// can be put into a command line as is.
    static func registered(_ result: RemoteResult) -> VariableValue {
        let stdout = chomp(result.stdoutText)
        return .map([
            "stdout": .string(stdout), "stderr": .string(chomp(result.stderrText)),
            "rc": result.exitCode.map { .int(Int($0)) } ?? .null,
            "lines": .list(stdout.isEmpty ? [] : stdout.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }),
        ])
    }

    private static func chomp(_ text: String) -> String {
        if text.hasSuffix("\r\n") { return String(text.dropLast(2)) }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    static func lastLine(_ text: String) -> String? {
        text.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func isUnreachable(_ error: Error) -> Bool {
        (error as? TransportError)?.kind == .unreachable
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? TransportError { return error.message }
        if let error = error as? TemplateError { return error.inputError.errorDescription ?? error.message }
        if error is CancellationError { return "the run was interrupted" }
        return (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}
