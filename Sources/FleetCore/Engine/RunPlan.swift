import Foundation

/// What a run will do, worked out before anything connects: which plays run on which hosts in
/// which batches, from which task on, and which task produces each register or capture on
/// each host (in this run, and in the whole playbook for values that must be produced again).
struct RunPlan: Sendable {
    struct PlannedPlay: Sendable {
        var index: Int
        var play: Play
        /// The play's hosts after `--limit` and `--retry-failed`, in inventory order.
        var hosts: [Host]
        /// Index of the first task to run (`--start-at-task`), 0 otherwise.
        var firstTask: Int
        var batches: [[Host]]
    }

    let playbook: Playbook
    let inventory: Inventory
    let plays: [PlannedPlay]
    /// Host → name → tasks producing it in this run, in playbook order.
    private let producersInRun: [String: [String: [TaskKey]]]
    /// Host → name → tasks producing it anywhere in the playbook, in playbook order.
    private let producersInPlaybook: [String: [String: [TaskKey]]]

    /// - Parameter restriction: host names the run is limited to (`--limit`, `--retry-failed`), nil for no limit.
    init(playbook: Playbook, inventory: Inventory, restriction: Set<String>?, serial: [BatchSize]?, startAt: TaskKey?) throws {
        self.playbook = playbook
        self.inventory = inventory
        var plays: [PlannedPlay] = []
        var inRun: [String: [String: [TaskKey]]] = [:]
        var inPlaybook: [String: [String: [TaskKey]]] = [:]
        for (index, play) in playbook.plays.enumerated() {
            let selected = try inventory.select(play.hosts, at: play.location)
            let hosts = selected.filter { restriction?.contains($0.name) ?? true }
            for (taskIndex, task) in play.tasks.enumerated() {
                let key = TaskKey(play: index, task: taskIndex)
                let names = [task.register, task.capture?.name].compactMap { $0 }
                for name in names {
                    for host in selected { inPlaybook[host.name, default: [:]][name, default: []].append(key) }
                    if let startAt, key < startAt { continue }
                    for host in hosts { inRun[host.name, default: [:]][name, default: []].append(key) }
                }
            }
            if let startAt, index < startAt.play { continue }
            let first = startAt.map { $0.play == index ? $0.task : 0 } ?? 0
            plays.append(PlannedPlay(index: index, play: play, hosts: hosts, firstTask: first,
                                     batches: Self.batches(hosts, sizes: serial ?? play.serial)))
        }
        self.plays = plays
        self.producersInRun = inRun
        self.producersInPlaybook = inPlaybook
    }

    /// Every host some play of this run runs on, in inventory order.
    var hosts: [Host] {
        let names = Set(plays.flatMap { $0.hosts.map(\.name) })
        return inventory.hosts.filter { names.contains($0.name) }
    }

    /// The last task of this run before `reader` that produces `name` on `host`.
    func producerInRun(host: String, name: String, before reader: TaskKey) -> TaskKey? {
        producersInRun[host]?[name]?.last { $0 < reader }
    }

    /// The task that produces `name` on `host` when this run does not (it is outside
    /// `--limit`, or before `--start-at-task`): the last one before `reader`, else the first.
    func producerInPlaybook(host: String, name: String, before reader: TaskKey) -> TaskKey? {
        guard let keys = producersInPlaybook[host]?[name] else { return nil }
        return keys.last { $0 < reader } ?? keys.first
    }

    func task(_ key: TaskKey) -> PlayTask { playbook.plays[key.play].tasks[key.task] }
    func play(_ key: TaskKey) -> Play { playbook.plays[key.play] }

    /// `hosts` split by `serial` sizes; the last size repeats. Percentages are of the play's
    /// hosts, rounded down, at least one.
    static func batches(_ hosts: [Host], sizes: [BatchSize]) -> [[Host]] {
        guard !sizes.isEmpty, !hosts.isEmpty else { return hosts.isEmpty ? [] : [hosts] }
        var batches: [[Host]] = []
        var rest = hosts[...]
        while !rest.isEmpty {
            let size: Int
            switch sizes[min(batches.count, sizes.count - 1)] {
            case .count(let count): size = count
            case .percent(let percent): size = max(1, Int((Double(hosts.count) * percent / 100).rounded(.down)))
            }
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return batches
    }

    /// Where `--start-at-task NAME` starts.
    static func startKey(named name: String, in playbook: Playbook) throws -> TaskKey {
        for (playIndex, play) in playbook.plays.enumerated() {
            if let taskIndex = play.tasks.firstIndex(where: { $0.name == name }) {
                return TaskKey(play: playIndex, task: taskIndex)
            }
        }
        var names: [String] = []
        for task in playbook.plays.flatMap(\.tasks) where !names.contains(task.name) { names.append(task.name) }
        throw RunSetupError.unknownStartTask(name: name, known: names)
    }
}
