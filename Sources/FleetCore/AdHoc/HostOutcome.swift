import Foundation

/// How one host fared with one command.
public enum HostOutcome: Sendable, Hashable {
    /// The command ran; it may still have failed (non-zero exit).
    case completed(RemoteResult)
    /// Could not connect, log in, or the connection died.
    case unreachable(String)
    /// Reached, but the command could not be run or timed out.
    case failed(String)

    public var isSuccess: Bool {
        if case .completed(let result) = self { return result.succeeded }
        return false
    }
}

/// One host's outcome with its timing.
public struct HostRun: Sendable, Hashable {
    public var host: String
    public var outcome: HostOutcome
    /// Seconds from start (including connecting) to the end of the command.
    public var duration: Double

    public init(host: String, outcome: HostOutcome, duration: Double) {
        self.host = host
        self.outcome = outcome
        self.duration = duration
    }
}

/// Exit codes shared by every command (DESIGN section 2).
public enum FleetExitCode {
    public static let ok: Int32 = 0
    public static let hostFailed: Int32 = 2
    public static let hostUnreachable: Int32 = 4
    public static let usage: Int32 = 64
    public static let invalidInput: Int32 = 65
    public static let interrupted: Int32 = 130

    /// 0, 2 (some host failed), 4 (some unreachable), or 6 (both).
    public static func forRuns(_ runs: [HostRun]) -> Int32 {
        var code: Int32 = 0
        for run in runs {
            switch run.outcome {
            case .completed(let result) where !result.succeeded: code |= hostFailed
            case .failed: code |= hostFailed
            case .unreachable: code |= hostUnreachable
            case .completed: break
            }
        }
        return code
    }
}
