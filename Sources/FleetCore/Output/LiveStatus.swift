import Foundation

/// Where a run stands now, for the live view on a terminal: the current play, per task how
/// many hosts are done, running and failed, and which hosts have been busy longest.
///
/// It counts instead of listing, so 300 hosts take as many lines as 3. Times come from the
/// caller (`at:`), which keeps it a pure function of events and instants, testable without
/// a clock or a terminal.
public struct LiveStatus: Sendable {
    struct TaskState: Sendable {
        var name: String
        var started: Date
        var counts: [HostStatus: Int] = [:]
        var slowest: (host: String, seconds: Double)?
    }

    private(set) var play: RunEvent.PlayStart?
    private var playStarted = Date.distantPast
    private var tasks: [TaskState] = []
    /// Per host of the play: index of the last task it finished (skipping tasks it did not
    /// report, like a `run_once` task run by another host), when, and where it stopped.
    private var lastDone: [String: Int] = [:]
    private var since: [String: Date] = [:]
    private var stoppedAt: [String: Int] = [:]

    public init() {}

    public var hasPlay: Bool { play != nil }

    public mutating func apply(_ event: RunEvent, at now: Date) {
        switch event {
        case .playStart(let start):
            play = start
            playStarted = now
            tasks = []
            lastDone = [:]
            since = [:]
            stoppedAt = [:]
        case .taskStart(let start):
            tasks.append(TaskState(name: start.task, started: now))
        case .hostResult(let result):
            let after = lastDone[result.host] ?? -1
            guard let index = tasks.indices.first(where: { $0 > after && tasks[$0].name == result.task })
                ?? tasks.lastIndex(where: { $0.name == result.task }) else { return }
            tasks[index].counts[result.status, default: 0] += 1
            if tasks[index].slowest.map({ result.duration > $0.seconds }) ?? true {
                tasks[index].slowest = (result.host, result.duration)
            }
            lastDone[result.host] = max(after, index)
            since[result.host] = now
            if result.status == .unreachable || (result.status == .failed && !result.ignored) {
                stoppedAt[result.host] = index
            }
        case .runStart, .capture, .keptValue, .recap, .runEnd:
            break
        }
    }

    /// The hosts running task `index` now.
    private func running(_ index: Int) -> [String] {
        (play?.hosts ?? []).filter { stoppedAt[$0] == nil && (lastDone[$0] ?? -1) + 1 == index }
    }

    /// The live area: a title, a line per running task (at most `maxTasks`), the slowest hosts.
    public func frame(at now: Date, palette: Palette = .plain, width: Int = 100, maxTasks: Int = 6, slowest: Int = 3) -> [String] {
        guard let play else { return [] }
        let failedHosts = stoppedAt.count
        var title = palette.paint(PlainProgress.playTitle(play), .header) + "  \(play.hosts.count) host\(play.hosts.count == 1 ? "" : "s")"
        if failedHosts > 0 { title += ", " + palette.paint("\(failedHosts) failed", .failed) }
        title += String(format: ", %.1fs", now.timeIntervalSince(playStarted))
        var lines = [title]
        let active = tasks.indices.filter { !running($0).isEmpty }
        let shown = (active.isEmpty ? Array(tasks.indices.suffix(1)) : active).suffix(maxTasks)
        let nameWidth = shown.map { tasks[$0].name.count }.max() ?? 0
        if active.count > shown.count { lines.append("  … \(active.count - shown.count) more tasks running") }
        for index in shown { lines.append(taskLine(index, nameWidth: nameWidth, palette: palette)) }
        let busy = slowestRunning(at: now).prefix(slowest)
        if !busy.isEmpty {
            lines.append("  slowest: " + busy.map { "\($0.host) " + String(format: "%.1fs", $0.seconds) }.joined(separator: ", "))
        }
        return lines.map { $0.truncated(toVisible: width) }
    }

    /// Running hosts, longest busy first: since their previous task ended or this one started.
    private func slowestRunning(at now: Date) -> [(host: String, seconds: Double)] {
        var busy: [(host: String, seconds: Double)] = []
        for index in tasks.indices {
            for host in running(index) {
                let start = max(since[host] ?? playStarted, tasks[index].started)
                busy.append((host, now.timeIntervalSince(start)))
            }
        }
        return busy.sorted { $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.host < $1.host }
    }

    /// `  install packages  done 297/300  running 3  failed 2`.
    private func taskLine(_ index: Int, nameWidth: Int, palette: Palette) -> String {
        let task = tasks[index]
        let hosts = play?.hosts ?? []
        let done = hosts.filter { (lastDone[$0] ?? -1) >= index }.count
        let total = hosts.filter { stoppedAt[$0].map { $0 >= index } ?? true }.count
        let failed = (task.counts[.failed] ?? 0) + (task.counts[.unreachable] ?? 0)
        var line = "  " + HostResultText.pad(task.name, nameWidth) + "  done \(done)/\(total)"
        let running = running(index).count
        if running > 0 { line += "  running \(running)" }
        if failed > 0 { line += "  " + palette.paint("failed \(failed)", .failed) }
        return line
    }

    /// One line per task of the play as it ended, to keep above the live area:
    /// `  install packages  300 hosts: 290 ok, 5 changed, 3 skipped, 2 failed; slowest lab-node3 14.20s`.
    public func summary(palette: Palette = .plain) -> String {
        let nameWidth = tasks.map(\.name.count).max() ?? 0
        return tasks.map { task in
            let total = task.counts.values.reduce(0, +)
            let parts = [HostStatus.ok, .changed, .skipped, .failed, .unreachable].compactMap { status -> String? in
                guard let count = task.counts[status], count > 0 else { return nil }
                return palette.paint("\(count) \(status.rawValue)", Palette.style(for: status))
            }
            var line = "  " + HostResultText.pad(task.name, nameWidth) + "  \(total) host\(total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
            if let slowest = task.slowest, total > 1 { line += "; slowest \(slowest.host) " + HostResultText.seconds(slowest.seconds) }
            return line + "\n"
        }.joined()
    }
}
