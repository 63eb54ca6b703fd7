import Foundation

/// Puts events into their envelope as they are told: the time from a clock, and the run id
/// learnt from `run_start` (the events after it do not carry it).
struct EventStamp {
    private let now: @Sendable () -> Date
    private var runID = ""

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    mutating func line(for event: RunEvent) -> EventLine {
        if case .runStart(let start) = event { runID = start.runID }
        return EventLine(time: now(), runID: runID, event: event)
    }
}
