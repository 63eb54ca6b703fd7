import Foundation

/// One play's batches, each run with the play's strategy; `run_once` tasks shared by all.
extension RunContext {
    /// Runs `planned`'s batches in order.
    /// - Returns: true when the run must stop after this play (`max_fail_percentage`
    ///   exceeded, or a whole batch failed).
    func runPlay(_ planned: RunPlan.PlannedPlay) async -> (stop: Bool, maxFailExceeded: Bool) {
        for (number, batch) in planned.batches.enumerated() {
            var active: [Host] = []
            for host in batch where await board.isActive(host.name) { active.append(host) }
            guard !active.isEmpty else { continue }
            await board.markStarted(active.map(\.name), play: planned.index)
            sink.emit(.playStart(.init(name: planned.play.name, hosts: active.map(\.name), batch: number + 1,
                                       batches: planned.batches.count)))
            switch planned.play.strategy {
            case .free: await runFree(planned, hosts: active)
            case .linear: await runLinear(planned, hosts: active)
            }
            if Task.isCancelled { return (true, false) }
            var failed = 0
            for host in active where !(await board.isActive(host.name)) { failed += 1 }
            if let limit = planned.play.maxFailPercentage, Double(failed) * 100 / Double(active.count) > limit {
                return (true, true)
            }
            let moreBatches = number + 1 < planned.batches.count
            if failed == active.count, moreBatches { return (true, false) }
        }
        return (false, false)
    }

    /// Each host runs its tasks without waiting for the others.
    private func runFree(_ planned: RunPlan.PlannedPlay, hosts: [Host]) async {
        await withTaskGroup(of: Void.self) { group in
            for host in hosts {
                group.addTask {
                    var lane = HostLane(forks, followsThePlay: true)
                    for index in planned.firstTask..<planned.play.tasks.count {
                        let key = TaskKey(play: planned.index, task: index)
                        if await board.firstToStart(key) {
                            sink.emit(.taskStart(.init(play: planned.play.name, task: planned.play.tasks[index].name,
                                                       hosts: hosts.map(\.name))))
                        }
                        guard await runTask(key, on: host, planned: planned, lane: &lane) else { break }
                    }
                    await lane.slot.giveBack()
                }
            }
        }
    }

    /// Every host finishes a task before any starts the next.
    private func runLinear(_ planned: RunPlan.PlannedPlay, hosts: [Host]) async {
        for index in planned.firstTask..<planned.play.tasks.count {
            let key = TaskKey(play: planned.index, task: index)
            var active: [Host] = []
            for host in hosts where await board.isActive(host.name) { active.append(host) }
            guard !active.isEmpty, !Task.isCancelled else { return }
            _ = await board.firstToStart(key)
            sink.emit(.taskStart(.init(play: planned.play.name, task: planned.play.tasks[index].name, hosts: active.map(\.name))))
            await withTaskGroup(of: Void.self) { group in
                for host in active {
                    group.addTask { _ = await runTask(key, on: host, planned: planned) }
                }
            }
        }
    }

    /// Runs task `key` on `host` on its own (nothing sent ahead), with a fork slot of its
    /// own, and publishes it.
    /// - Returns: whether the host goes on with the play.
    func runTask(_ key: TaskKey, on host: Host, planned: RunPlan.PlannedPlay) async -> Bool {
        var lane = HostLane(forks, followsThePlay: false)
        let goesOn = await runTask(key, on: host, planned: planned, lane: &lane)
        await lane.slot.giveBack()
        return goesOn
    }

    /// Runs task `key` on `host` and publishes it; `lane` is what the host carries from task
    /// to task, its fork slot included, which it may keep for its next task (see `ForkSlot`).
    /// - Returns: whether the host goes on with the play.
    func runTask(_ key: TaskKey, on host: Host, planned: RunPlan.PlannedPlay, lane: inout HostLane) async -> Bool {
        guard await board.isActive(host.name), !Task.isCancelled else { return false }
        if plan.task(key).runOnce {
            // Every host waits here for the one that runs it: none may sit on a slot meanwhile.
            await lane.slot.giveBack()
            return await joinRunOnce(key, host: host, planned: planned)
        }
        let report = await execute(key, on: host, lane: &lane)
        await publish(report, key: key, host: host)
        return !report.stopsHost
    }

    /// A `run_once` task runs once per run, on the first host of the play that is still
    /// active; every host of the play (in this batch or a later one) waits for it and gets
    /// its registered and captured values. If it fails, it fails for all of them.
    private func joinRunOnce(_ key: TaskKey, host: Host, planned: RunPlan.PlannedPlay) async -> Bool {
        let result = await board.runOnce(key) {
            var target = host
            for candidate in planned.hosts where await board.isActive(candidate.name) { target = candidate; break }
            let report = await execute(key, on: target)
            await publish(report, key: key, host: target)
            return RunOnceResult(host: target.name, failed: report.stopsHost,
                                 outcome: report.producerOutcome(task: plan.task(key).name), values: report.values)
        }
        if result.host == host.name { return !result.failed }
        for (name, value, secret) in result.values {
            await board.setValue(value, host: host.name, name: name, secret: secret)
        }
        guard result.failed else {
            await board.record(result.outcome, host: host.name, key: key)
            return true
        }
        let now = clock.now()
        var why = "run_once task failed on \(result.host)"
        if case .unavailable(let reason) = result.outcome { why = "run_once task: \(result.host) \(reason)" }
        await publish(.failed(why, started: now, ended: now), key: key, host: host)
        return false
    }
}
