import Foundation

/// Plain one-line texts for run events, as `fleet run` prints them on stderr without a
/// richer renderer: `[lab-node1] ok       Install redis (0.21s)`.
public enum RunEventText {
    /// The line for `event`, or nil for events shown only by richer renderers.
    /// - Parameter relativeTo: log paths under this folder are shown relative to it.
    public static func line(for event: RunEvent, relativeTo folder: String? = nil) -> String? {
        switch event {
        case .runStart(let start):
            return "run \(start.runID)\(start.checkMode ? " (check mode: nothing is changed)" : ""): \(start.hosts.count) host\(start.hosts.count == 1 ? "" : "s")"
        case .playStart(let play):
            let batch = play.batches > 1 ? " [batch \(play.batch)/\(play.batches)]" : ""
            return "PLAY \(play.name)\(batch): \(HostRangeFormatter.format(play.hosts))"
        case .taskStart:
            return nil
        case .hostResult(let result):
            return hostLine(result, relativeTo: folder)
        case .capture(let capture):
            return "[\(capture.host)] captured \(capture.name) = \(capture.value)"
                + (capture.expiresAt.map { " (expires \(EventTime.seconds($0)))" } ?? "")
        case .keptValue(let note):
            switch note.source {
            case .kept: return "[\(note.reader)] using kept \(note.host):\(note.name) (from task '\(note.task)')"
            case .rerunMissing: return "[\(note.host)] no kept \(note.name): running '\(note.task)' again for \(note.reader)"
            case .rerunExpired: return "[\(note.host)] kept \(note.name) expired: running '\(note.task)' again for \(note.reader)"
            }
        case .recap, .runEnd:
            return nil
        }
    }

    static func hostLine(_ result: RunEvent.HostResult, relativeTo folder: String?) -> String {
        let time = "(" + Digits.fixed(result.duration, decimals: 2) + "s)"
        var text = "[\(result.host)] "
        switch result.status {
        case .ok, .changed:
            text += "\(result.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(result.task) \(time)"
            for command in result.commands { text += "\n    would run: \(command)" }
        case .skipped:
            text += "skipped \(result.task)" + (result.message.map { " (\($0))" } ?? "")
        case .failed:
            text += (result.ignored ? "failed (ignored) " : "FAILED ") + result.task
            if let message = result.message { text += ": \(message.split(separator: "\n").first.map(String.init) ?? message)" }
            if let log = result.logPath { text += " — log: \(relative(log, to: folder)).err" }
        case .unreachable:
            text += "UNREACHABLE \(result.task)" + (result.message.map { ": \($0)" } ?? "")
        }
        return text
    }

    private static func relative(_ path: String, to folder: String?) -> String {
        guard let folder, path.hasPrefix(folder + "/") else { return path }
        return String(path.dropFirst(folder.count + 1))
    }
}
