import Foundation

/// Keeps every event of a run with its time, for `--report`: the HTML report is drawn from
/// them when the run ends, exactly as `fleet report` draws it from `run.jsonl`.
public final class EventRecorder: RunEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stamp: EventStamp
    private var recorded: [EventLine] = []

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        stamp = EventStamp(now: now)
    }

    public func emit(_ event: RunEvent) {
        lock.withLock { recorded.append(stamp.line(for: event)) }
    }

    /// The events so far, in the order they were told.
    public var lines: [EventLine] {
        lock.withLock { recorded }
    }
}
