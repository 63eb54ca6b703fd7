/// Sending a host's next commands ahead of their turn.
///
/// In a `free` play each host runs its tasks in order without waiting for the others, so a
/// host whose task's command exits 0 goes on with its next task. When the next tasks are
/// plain commands whose text is known already, the connection can send them right behind
/// the current one: the host runs them back to back and the run spends one round trip on
/// the lot instead of one per task. Each task keeps its own exit code, output, timeout and
/// closed stdin, and its result is judged and published in order as before.
///
/// That is only sound when the exit code alone decides whether the host goes on, and when
/// nothing a task reads can change before its turn. So a chain continues after a task only
/// if it has no `failed_when`, `ignore_errors`, `until`/`retries`, `capture` or `run_once`,
/// and takes in a following task only if it is `shell`/`command` without guards or
/// `run_once`, its `when` holds now, and none of its templates reads a value that any task
/// of the playbook registers or captures on this host, another host's values or `result`.
/// Plays with `strategy: linear` and check mode are never pipelined.
///
/// Such a chain is made only of tasks that wait for nothing but their own host (no other
/// host's values, no dataflow), so a host keeps its `--forks` slot from one task of the
/// chain to the next and gives it back where the chain ends (`ForkSlot`): with more hosts
/// than forks, a host running ahead never waits for a slot in the middle of a chain, and
/// at most `--forks` hosts run commands at once.
extension RunContext {
    /// At most this many tasks are sent ahead of the one running.
    static let pipelineDepth = 16

    /// The commands of the tasks after `key` that `host` will run next, in order, each only
    /// if the command before it exits 0; empty when nothing may be sent ahead.
    ///
    /// `scope` is the one task `key` sees: the tasks ahead, in the same play, read only
    /// settled values of it. `known` holds the commands the previous task of the chain sent
    /// ahead (they still hold, see `HostLane`) and is replaced by the ones returned.
    func commandsAhead(of key: TaskKey, on host: Host, connection: any HostConnection, scope: HostScope,
                       known: inout [TaskKey: RemoteCommand]) -> [RemoteCommand] {
        let play = plan.play(key)
        guard options.pipelining, !options.checkMode, play.strategy == .free, Self.exitCodeDecides(plan.task(key)) else {
            known = [:]
            return []
        }
        var ahead: [(key: TaskKey, command: RemoteCommand)] = []
        var index = key.task + 1
        while index < play.tasks.count, ahead.count < Self.pipelineDepth {
            let next = TaskKey(play: key.play, task: index)
            var command = known[next]
            if command == nil, readsOnlySettledValues(next, on: host) {
                command = renderedCommand(next, on: host, connection: connection, scope: scope)
            }
            guard let command else { break }
            ahead.append((next, command))
            guard Self.exitCodeDecides(plan.task(next)) else { break }
            index += 1
        }
        known = Dictionary(uniqueKeysWithValues: ahead.map { ($0.key, $0.command) })
        return ahead.map(\.command)
    }

    /// Whether the host goes on after `task` exactly when its command exits 0.
    static func exitCodeDecides(_ task: PlayTask) -> Bool {
        switch task.action {
        case .shell, .command: break
        default: return false
        }
        return task.failedWhen == nil && !task.ignoreErrors && task.until == nil && task.retries == 0
            && task.capture == nil && !task.runOnce
    }

    /// Whether task `key` is a plain command whose text and `when` read only values that
    /// cannot change before it runs on `host` (see the type's comment).
    private func readsOnlySettledValues(_ key: TaskKey, on host: Host) -> Bool {
        let task = plan.task(key)
        guard task.creates == nil, task.removes == nil, task.unless == nil, !task.runOnce else { return false }
        var paths: [VariablePath] = task.when?.referencedPaths ?? []
        switch task.action {
        case .shell(let text): paths += text.referencedPaths
        case .command(let words): paths += words.flatMap(\.referencedPaths)
        default: return false
        }
        return paths.allSatisfy { isSettled($0, host: host, reader: key) }
    }

    /// The command task `key` will send on `host`, when its `when` holds in `scope`.
    private func renderedCommand(_ key: TaskKey, on host: Host, connection: any HostConnection, scope: HostScope) -> RemoteCommand? {
        let task = plan.task(key)
        // Made the way the task itself makes it, so that the connection recognises it.
        let context = ActionContext(host: host, connection: connection, scope: scope, playbookDirectory: playbookDirectory,
                                    become: task.become ?? (plan.play(key).become || host.become), timeout: task.timeout)
        do {
            if let when = task.when, !(try when.isTrue(in: scope)) { return nil }
            switch task.action {
            case .shell(let text): return context.remote(try CommandActions.shellText(text, in: scope))
            case .command(let words): return context.remote(try CommandActions.commandText(words, in: scope))
            default: return nil
            }
        } catch {
            return nil // the task reports it in its turn
        }
    }

    /// Whether `path` reads something that cannot change before `reader` runs on `host`:
    /// not another host's values, not `result`, and nothing a task registers or captures here.
    private func isSettled(_ path: VariablePath, host: Host, reader: TaskKey) -> Bool {
        switch path.root {
        case "hosts", "groups": return false
        case "result": return false
        // The run's producers are a subset of the playbook's.
        default: return plan.producerInPlaybook(host: host.name, name: path.root, before: reader) == nil
        }
    }
}
