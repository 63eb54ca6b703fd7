import Foundation

/// What the HTML report shows, worked out from a run's events alone, so it can be drawn
/// during `fleet run --report` or later from `run.jsonl`.
public struct RunReport: Sendable {
    /// One task on one host: a bar on the timeline.
    public struct Bar: Sendable, Hashable {
        public var result: RunEvent.HostResult
        /// Seconds from the run's start.
        public var start: Double
        public var end: Double
    }

    /// A play starting (a batch of it, with `serial`): a mark on the time axis.
    public struct PlayMark: Sendable, Hashable {
        public var title: String
        public var offset: Double
    }

    public var runID = ""
    public var playbook = ""
    public var inventory: String?
    public var logDirectory = ""
    public var checkMode = false
    public var started: Date
    public var ended: Date
    /// nil when the run did not end (an interrupted process, a journal still being written).
    public var exitCode: Int32?
    public var interrupted = false
    /// Hosts in run order: those of `run_start`, then any other host an event names.
    public private(set) var hosts: [String] = []
    public private(set) var bars: [String: [Bar]] = [:]
    public private(set) var plays: [PlayMark] = []
    public private(set) var captures: [(time: Date, note: RunEvent.CaptureNote)] = []
    public private(set) var keptValues: [RunEvent.KeptValueNote] = []
    public var recap: RunRecap?

    /// Seconds the timeline spans (at least a millisecond, so an empty run still draws).
    public var span: Double { max(ended.timeIntervalSince(started), 0.001) }

    public init(lines: [EventLine]) {
        started = lines.first?.time ?? Date(timeIntervalSince1970: 0)
        ended = started
        for line in lines { add(line) }
        // A recap computed by the engine is exact; without one (a cut-off journal), count.
        if recap == nil { recap = countedRecap() }
    }

    private mutating func add(_ line: EventLine) {
        ended = max(ended, line.time)
        switch line.event {
        case .runStart(let start):
            runID = start.runID
            playbook = start.playbook
            inventory = start.inventory
            logDirectory = start.logDirectory
            checkMode = start.checkMode
            started = line.time
            start.hosts.forEach { note(host: $0) }
        case .playStart(let play):
            plays.append(PlayMark(title: play.batches > 1 ? "\(play.name) [\(play.batch)/\(play.batches)]" : play.name,
                                  offset: line.time.timeIntervalSince(started)))
            play.hosts.forEach { note(host: $0) }
        case .taskStart:
            break
        case .hostResult(let result):
            note(host: result.host)
            // Older or hand-written events may lack start and end: the event's time is the end.
            let end = result.ended ?? line.time
            let start = result.started ?? end.addingTimeInterval(-result.duration)
            bars[result.host, default: []].append(Bar(result: result, start: start.timeIntervalSince(started),
                                                      end: end.timeIntervalSince(started)))
            ended = max(ended, end)
        case .capture(let capture):
            note(host: capture.host)
            captures.append((line.time, capture))
        case .keptValue(let note):
            keptValues.append(note)
        case .recap(let recap):
            self.recap = recap
        case .runEnd(let end):
            exitCode = end.exitCode
            interrupted = end.interrupted
        }
    }

    private mutating func note(host: String) {
        if bars[host] == nil {
            bars[host] = []
            hosts.append(host)
        }
    }

    private func countedRecap() -> RunRecap {
        let lines = hosts.map { host -> RunRecap.HostLine in
            var line = RunRecap.HostLine(host: host)
            let results = bars[host] ?? []
            for bar in results {
                switch bar.result.status {
                case .ok: line.ok += 1
                case .changed: line.changed += 1
                case .skipped: line.skipped += 1
                case .failed: if bar.result.ignored { line.ignored += 1 } else { line.failed += 1 }
                case .unreachable: line.unreachable += 1
                }
            }
            if let first = results.map(\.start).min(), let last = results.map(\.end).max() { line.duration = last - first }
            return line
        }
        return RunRecap(runID: runID, hosts: lines, logDirectory: logDirectory, duration: span)
    }
}
