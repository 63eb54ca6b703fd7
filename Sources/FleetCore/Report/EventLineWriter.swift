import Foundation

/// One event as a line of JSON, written field by field: the keys in snake_case and sorted,
/// slashes not escaped, times as `EventTime` strings, non-finite numbers as the strings
/// `inf`, `-inf` and `nan` (the format `EventLineCoding.decode` reads).
///
/// Why not `JSONEncoder`: every event of a run is written (the journal, and `--json`), and
/// the generic `Encodable` path, Foundation's or a lighter one, cost about 20 µs an event, a
/// tenth of the controller's CPU in a 20-host playbook run; this costs a few. The output is
/// the same, byte for byte: `ReportEventLineWriterTests` compares it with `JSONEncoder`'s on
/// samples that set every field of every event, and fails when a field has no sample.
struct EventLineWriter {
    /// Each field's key and its value as JSON text.
    private var fields: [(key: String, json: String)] = []

    static func text(_ line: EventLine) -> String {
        var writer = EventLineWriter()
        writer.add("schema", EventLine.schemaVersion)
        writer.add("type", EventLine.type(of: line.event))
        writer.add("time", line.time)
        switch line.event {
        case .runStart(let start):
            writer.add("run_id", start.runID)
            writer.add("playbook", start.playbook)
            writer.add("hosts", start.hosts)
            writer.add("check_mode", start.checkMode)
            writer.add("log_directory", start.logDirectory)
            writer.add("inventory", start.inventory)
        case .playStart(let play):
            writer.add("run_id", line.runID)
            writer.add("name", play.name)
            writer.add("hosts", play.hosts)
            writer.add("batch", play.batch)
            writer.add("batches", play.batches)
        case .taskStart(let task):
            writer.add("run_id", line.runID)
            writer.add("play", task.play)
            writer.add("task", task.task)
            writer.add("hosts", task.hosts)
        case .hostResult(let result):
            writer.add("run_id", line.runID)
            writer.add("changed", result.status == .changed)
            writer.addHostResult(result)
        case .capture(let capture):
            writer.add("run_id", line.runID)
            writer.add("host", capture.host)
            writer.add("name", capture.name)
            writer.add("value", capture.value)
            writer.add("secret", capture.secret)
            writer.add("expires_at", capture.expiresAt)
        case .keptValue(let note):
            writer.add("run_id", line.runID)
            writer.add("host", note.host)
            writer.add("name", note.name)
            writer.add("source", note.source.rawValue)
            writer.add("task", note.task)
            writer.add("reader", note.reader)
        case .recap(let recap):
            writer.add("run_id", recap.runID)
            writer.fields.append(("hosts", "[" + recap.hosts.map(Self.hostLine).joined(separator: ",") + "]"))
            writer.add("log_directory", recap.logDirectory)
            writer.add("duration", recap.duration)
        case .runEnd(let end):
            writer.add("run_id", end.runID)
            writer.add("exit_code", Int(end.exitCode))
            writer.add("interrupted", end.interrupted)
        }
        return writer.object
    }

    private mutating func addHostResult(_ result: RunEvent.HostResult) {
        add("host", result.host)
        add("play", result.play)
        add("task", result.task)
        add("status", result.status.rawValue)
        add("rc", result.rc.map(Int.init))
        add("duration", result.duration)
        add("commands", result.commands)
        add("stdout_excerpt", result.stdoutExcerpt)
        add("stderr_excerpt", result.stderrExcerpt)
        add("message", result.message)
        add("ignored", result.ignored)
        add("log_path", result.logPath)
        add("action", result.action)
        add("started", result.started)
        add("ended", result.ended)
    }

    private static func hostLine(_ line: RunRecap.HostLine) -> String {
        var writer = EventLineWriter()
        writer.add("host", line.host)
        writer.add("ok", line.ok)
        writer.add("changed", line.changed)
        writer.add("skipped", line.skipped)
        writer.add("failed", line.failed)
        writer.add("unreachable", line.unreachable)
        writer.add("ignored", line.ignored)
        writer.add("duration", line.duration)
        return writer.object
    }

    // An absent optional writes no field, as the synthesized `Encodable` does.
    private mutating func add(_ key: String, _ value: String?) {
        if let value { fields.append((key, JSONText.quoted(value))) }
    }

    private mutating func add(_ key: String, _ value: Int?) {
        if let value { fields.append((key, String(value))) }
    }

    private mutating func add(_ key: String, _ value: Bool) {
        fields.append((key, value ? "true" : "false"))
    }

    private mutating func add(_ key: String, _ value: Date?) {
        if let value { fields.append((key, JSONText.quoted(EventTime.string(value)))) }
    }

    private mutating func add(_ key: String, _ value: [String]) {
        fields.append((key, "[" + value.map(JSONText.quoted).joined(separator: ",") + "]"))
    }

    private mutating func add(_ key: String, _ value: Double) {
        fields.append((key, JSONText.number(value)))
    }

    /// The fields as one object, keys in sorted order (snake_case ASCII sorts by bytes, the
    /// order `JSONEncoder`'s `.sortedKeys` gives).
    private var object: String {
        "{" + fields.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }
}
