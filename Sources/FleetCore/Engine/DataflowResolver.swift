import Foundation

/// Makes sure every value a task reads from another host is there before the task renders.
///
/// Cross-host values are dataflow (DESIGN section 5): a task reading `hosts['x'].y` or
/// `groups.g[i].y` waits until host x has run the task that produces y in this run. If x
/// failed, skipped that task or was unreachable, the reader fails with that reason, never
/// with an empty value. If no task of this run produces y on x (x is outside `--limit`, or
/// the producer is before `--start-at-task`), the kept value from state is used; when it is
/// missing or expired, the producing task runs again on x first (journey 4).
struct DataflowResolver {
    let run: RunContext

    /// A host and the name read from it.
    struct Dependency: Hashable {
        var path: VariablePath
        var host: String
        var name: String

        /// The path as an author writes it: `hosts['k8s-master'].join_command`,
        /// `groups.masters[0].join_command`, `join_command`.
        var spelled: String {
            guard path.root == "hosts", path.components.count == 3 else { return path.description }
            return "hosts['\(host)'].\(name)"
        }
    }

    /// Waits for (or supplies) `dependencies`, what task `key` reads on `host`.
    /// - Returns: why the task cannot run, or nil when everything it reads is available.
    func resolve(_ dependencies: [Dependency], for key: TaskKey, on host: Host) async -> String? {
        for dependency in dependencies {
            if let producer = run.plan.producerInRun(host: dependency.host, name: dependency.name, before: key) {
                // The host's own earlier tasks are done by now, in order.
                if dependency.host == host.name { continue }
                if producer.play == key.play, !(await run.board.hasStarted(dependency.host, play: key.play)) {
                    return "\(dependency.spelled) is unavailable: \(dependency.host) runs in a later batch of this play"
                }
                if case .unavailable(let why) = await run.board.outcome(host: dependency.host, key: producer) {
                    return "\(dependency.spelled) is unavailable: \(dependency.host) \(why)"
                }
                continue
            }
            if await run.board.value(host: dependency.host, name: dependency.name) != nil { continue }
            let outcome = await run.board.produceOnce(host: dependency.host, name: dependency.name) {
                await supply(dependency, reader: key, readerHost: host.name)
            }
            if case .unavailable(let why) = outcome {
                return "\(dependency.spelled) is unavailable: \(dependency.host) \(why)"
            }
        }
        return nil
    }

    /// The kept value of `dependency`, or its producing task run again on its host.
    private func supply(_ dependency: Dependency, reader: TaskKey, readerHost: String) async -> ProducerOutcome {
        let kept = run.state.capture(host: dependency.host, name: dependency.name)
        guard let producer = run.plan.producerInPlaybook(host: dependency.host, name: dependency.name, before: reader) else {
            return .ran // an inventory variable, or nothing can produce it: rendering says which
        }
        let task = run.plan.task(producer)
        if let kept, !kept.isExpired(at: run.clock.now()) {
            if kept.secret { run.secrets.insert(kept.value) }
            await run.board.setValue(.string(kept.value), host: kept.host, name: kept.name, secret: kept.secret)
            note(dependency, .kept, task: task.name, reader: readerHost)
            return .ran
        }
        if run.options.checkMode {
            await run.board.setValue(.string(RunContext.placeholder(host: dependency.host, name: dependency.name)),
                                     host: dependency.host, name: dependency.name, secret: false)
            return .ran
        }
        guard let producerHost = run.plan.inventory.host(named: dependency.host) else { return .ran }
        note(dependency, kept == nil ? .rerunMissing : .rerunExpired, task: task.name, reader: readerHost)
        let report = await run.execute(producer, on: producerHost)
        await run.publish(report, key: producer, host: producerHost)
        return report.producerOutcome(task: task.name)
    }

    private func note(_ dependency: Dependency, _ source: RunEvent.KeptValueNote.Source, task: String, reader: String) {
        run.sink.emit(.keptValue(.init(host: dependency.host, name: dependency.name, source: source, task: task, reader: reader)))
    }

    /// The other hosts' values (and this host's values produced outside this run) that task
    /// `key` must read, from the variable paths of its templates and conditions.
    func dependencies(of key: TaskKey, on host: Host) -> [Dependency] {
        let task = run.plan.task(key)
        var paths = CheckedField.fields(of: task).filter { !$0.seesResult }.flatMap(\.required)
        paths += templateFilePaths(task)
        var result: [Dependency] = []
        for path in paths.flatMap(expandEveryMember) {
            let components = path.components
            var dependency: Dependency?
            switch path.root {
            case _ where run.options.extraVars[path.root] != nil:
                dependency = nil
            case "hosts" where components.count >= 3:
                dependency = Dependency(path: VariablePath(Array(components.prefix(3))), host: components[1], name: components[2])
            case "groups" where components.count >= 4:
                if let members = run.plan.inventory.groupMembers[components[1]], let index = Int(components[2]),
                   members.indices.contains(index) {
                    dependency = Dependency(path: VariablePath(Array(components.prefix(4))), host: members[index], name: components[3])
                }
            case "hosts", "groups", "host", "inventory_hostname":
                dependency = nil
            default:
                if run.plan.play(key).vars[path.root] == nil,
                   run.plan.producerInPlaybook(host: host.name, name: path.root, before: key) != nil {
                    dependency = Dependency(path: VariablePath([path.root]), host: host.name, name: path.root)
                }
            }
            if let dependency, !result.contains(dependency) { result.append(dependency) }
        }
        return result
    }

    /// `groups.g[*].x` (from `map(attribute='x')`) as one path per member of g.
    private func expandEveryMember(_ path: VariablePath) -> [VariablePath] {
        let components = path.components
        guard path.root == "groups", components.count >= 4, components[2] == VariablePath.everyItem,
              let members = run.plan.inventory.groupMembers[components[1]] else { return [path] }
        return members.indices.map { index in
            var each = components
            each[2] = String(index)
            return VariablePath(each)
        }
    }

    /// Paths read inside a `template` action's local file, which are rendered on the host too.
    private func templateFilePaths(_ task: PlayTask) -> [VariablePath] {
        guard case .template(let spec) = task.action, let src = spec.src, src.isConstant else { return [] }
        let path = src.source.hasPrefix("/") ? src.source : run.playbookDirectory + "/" + src.source
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let template = try? Template(parsing: text, location: nil) else { return [] }
        return template.requiredPaths
    }
}
