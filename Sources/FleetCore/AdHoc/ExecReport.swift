import Foundation

/// Renders `fleet exec` results as text (grouped or per host) and as JSON Lines.
public enum ExecReport {
    /// Identical outcomes once, with the hosts that produced them; failures and unreachable last.
    /// - Parameter palette: colours the header lines by status (green ok, red otherwise).
    public static func grouped(_ runs: [HostRun], palette: Palette = .plain) -> String {
        ResultGroups.group(runs).map { group in
            block(title: "\(HostRangeFormatter.format(group.hosts)) (\(group.hosts.count))", group.outcome, palette)
        }.joined()
    }

    /// One block per host, in inventory order.
    public static func perHost(_ runs: [HostRun], palette: Palette = .plain) -> String {
        runs.map { block(title: $0.host, $0.outcome, palette) }.joined()
    }

    private static func block(title: String, _ outcome: HostOutcome, _ palette: Palette) -> String {
        switch outcome {
        case .completed(let result):
            var text = palette.paint("\(title) \(result.statusText):", result.succeeded ? .ok : .failed) + "\n"
            text += withNewline(result.stdoutText) + dropped(result.stdoutDropped, of: result.stdout.count)
            if !result.stderr.isEmpty {
                text += "[stderr]\n" + withNewline(result.stderrText) + dropped(result.stderrDropped, of: result.stderr.count)
            }
            return text
        case .failed(let message):
            return palette.paint("\(title) FAILED:", .failed) + " \(message)\n"
        case .unreachable(let message):
            return palette.paint("\(title) UNREACHABLE:", .failed) + " \(message)\n"
        }
    }

    private static func dropped(_ count: Int, of kept: Int) -> String {
        count == 0 ? "" : "[… \(count) more bytes not shown: only the first \(kept) are kept per host]\n"
    }

    private static func withNewline(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }

    /// The closing line: counts and wall time.
    public static func summary(_ runs: [HostRun], seconds: Double) -> String {
        var ok = 0, failed = 0, unreachable = 0
        for run in runs {
            switch run.outcome {
            case .completed(let result) where result.succeeded: ok += 1
            case .unreachable: unreachable += 1
            default: failed += 1
            }
        }
        return "\(runs.count) host\(runs.count == 1 ? "" : "s"): \(ok) ok, \(failed) failed, \(unreachable) unreachable "
            + String(format: "in %.2fs", seconds)
    }

    /// One JSON object per host, one per line.
    public static func jsonLines(_ runs: [HostRun]) -> String {
        runs.map { run -> String in
            var object: [String: Any] = ["host": run.host, "duration": (run.duration * 1000).rounded() / 1000]
            switch run.outcome {
            case .completed(let result):
                object["status"] = result.succeeded ? "ok" : "failed"
                object["rc"] = result.exitCode.map { Int($0) } ?? NSNull()
                if let signal = result.signal { object["signal"] = signal }
                object["stdout"] = result.stdoutText
                object["stderr"] = result.stderrText
                if result.stdoutDropped > 0 { object["stdout_dropped_bytes"] = result.stdoutDropped }
                if result.stderrDropped > 0 { object["stderr_dropped_bytes"] = result.stderrDropped }
            case .failed(let message):
                object["status"] = "failed"
                object["error"] = message
            case .unreachable(let message):
                object["status"] = "unreachable"
                object["error"] = message
            }
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        }.joined()
    }
}
