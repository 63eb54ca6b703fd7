import Foundation

/// How one task ended on one host, before it is told to anyone: the engine turns it into a
/// `hostResult` event, recap counts, board values and the outcome readers wait for.
struct TaskReport: Sendable {
    var status: HostStatus
    var rc: Int32? = nil
    /// Why it was skipped or failed (not yet redacted).
    var message: String? = nil
    var stdout = ""
    var stderr = ""
    /// Check mode: what would run.
    var commands: [String] = []
    var ignored = false
    /// Register and capture values to put on the board.
    var values: [(name: String, value: VariableValue, secret: Bool)] = []
    /// The capture to keep in state (nil in check mode or when nothing was captured).
    var kept: KeptCapture? = nil
    /// The next task's command went to the host behind this one's (pipelining): the host
    /// keeps its fork slot for that task.
    var sentNextAhead = false
    var started: Date
    var ended: Date

    static func failed(_ message: String, started: Date, ended: Date) -> TaskReport {
        TaskReport(status: .failed, message: message, started: started, ended: ended)
    }

    /// Whether the host stops here for the rest of the run.
    var stopsHost: Bool {
        status == .unreachable || (status == .failed && !ignored)
    }

    /// What readers of this task's values learn.
    func producerOutcome(task: String) -> ProducerOutcome {
        switch status {
        case .ok, .changed: return .ran
        case .skipped: return .unavailable("skipped task '\(task)' (\(message ?? "skipped"))")
        case .failed: return .unavailable("failed at task '\(task)': \(message ?? "failed")")
        case .unreachable: return .unavailable("was unreachable at task '\(task)': \(message ?? "unreachable")")
        }
    }
}
