import Foundation

/// What a playbook run reports as it goes, in order, for renderers (plain lines, a TTY status
/// view, `--json` JSON Lines, the HTML report).
///
/// Every text in an event is already redacted: secret captures, and anything rendered from
/// them, show as `••••`. Renderers never see a secret, so none of them can leak one.
/// Codable so `--json` can write events as they are.
public enum RunEvent: Sendable, Hashable, Codable {
    case runStart(RunStart)
    case playStart(PlayStart)
    case taskStart(TaskStart)
    case hostResult(HostResult)
    case capture(CaptureNote)
    /// A value read from another host came from kept state, or its producing task had to run
    /// again because the kept value was missing or expired (journey 4).
    case keptValue(KeptValueNote)
    case recap(RunRecap)
    case runEnd(RunEnd)

    public struct RunStart: Sendable, Hashable, Codable {
        public var runID: String
        public var playbook: String
        public var hosts: [String]
        public var checkMode: Bool
        public var logDirectory: String
        /// The inventory file, as given (nil when the run was not started from a file).
        public var inventory: String? = nil
    }

    public struct PlayStart: Sendable, Hashable, Codable {
        public var name: String
        public var hosts: [String]
        /// 1-based batch number and how many batches the play has (1 of 1 without `serial`).
        public var batch: Int
        public var batches: Int
    }

    public struct TaskStart: Sendable, Hashable, Codable {
        public var play: String
        public var task: String
        /// Hosts of the current batch that are still active.
        public var hosts: [String]
    }

    public struct HostResult: Sendable, Hashable, Codable {
        public var host: String
        public var play: String
        public var task: String
        public var status: HostStatus
        public var rc: Int32?
        /// Seconds from the task's start on this host (after waiting for other hosts' values).
        public var duration: Double
        /// The command as run (or, in check mode, as it would run), redacted.
        public var commands: [String]
        /// The last lines of stdout and stderr, redacted.
        public var stdoutExcerpt: String
        public var stderrExcerpt: String
        /// Why it was skipped or failed, or (check mode) the condition its commands depend on; redacted.
        public var message: String?
        /// A failure that `ignore_errors` let the host get past.
        public var ignored: Bool
        /// `<run>/<host>/<nn>-<task>` without extension (`.out` / `.err` beside it); nil when nothing ran.
        public var logPath: String?
        /// What the task does, as written in the playbook (`shell: systemctl restart {{ svc }}`),
        /// redacted: the timeline shows it for every host, also outside check mode.
        public var action: String? = nil
        /// When the task started and ended on this host, for the report's timeline.
        public var started: Date? = nil
        public var ended: Date? = nil
    }

    public struct CaptureNote: Sendable, Hashable, Codable {
        public var host: String
        public var name: String
        /// The value, or `••••` when secret.
        public var value: String
        public var secret: Bool
        public var expiresAt: Date?
    }

    public struct KeptValueNote: Sendable, Hashable, Codable {
        public enum Source: String, Sendable, Hashable, Codable {
            /// Read from kept state, unexpired.
            case kept
            /// Missing from kept state: its producing task ran again on its host.
            case rerunMissing
            /// Expired in kept state: its producing task ran again on its host.
            case rerunExpired
        }
        public var host: String
        public var name: String
        public var source: Source
        /// The producing task.
        public var task: String
        /// The host that needed it.
        public var reader: String
    }

    public struct RunEnd: Sendable, Hashable, Codable {
        public var runID: String
        public var exitCode: Int32
        public var interrupted: Bool
    }
}

/// How one task ended on one host.
public enum HostStatus: String, Sendable, Hashable, Codable {
    case ok, changed, skipped, failed, unreachable
}

/// Receives a run's events. Called from many host tasks at once: implementations must be
/// thread-safe, and quick (the run waits for `emit` to return).
public protocol RunEventSink: Sendable {
    func emit(_ event: RunEvent)
}

/// Hands every event to each of `sinks` in order: how a command combines progress, `--json`,
/// the run journal and the report recorder without any of them knowing the others.
public struct FanOutSink: RunEventSink {
    public let sinks: [any RunEventSink]

    public init(_ sinks: [any RunEventSink]) { self.sinks = sinks }

    public func emit(_ event: RunEvent) {
        for sink in sinks { sink.emit(event) }
    }
}

/// A sink that drops everything, for callers that only want the summary.
public struct DiscardingEventSink: RunEventSink {
    public init() {}
    public func emit(_ event: RunEvent) {}
}
