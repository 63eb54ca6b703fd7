import Foundation

/// Writing the report page to the file `--report` or `fleet report -o` names.
public enum HTMLReportFile {
    /// Draws the report of `lines` and writes it to `path` (replacing it, created 0600: the
    /// page holds command output).
    /// - Throws: `ReportWriteError` naming the file.
    public static func write(_ lines: [EventLine], to path: String) throws {
        let html = HTMLReport.render(RunReport(lines: lines))
        let url = URL(fileURLWithPath: path)
        do {
            try Data(html.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            throw ReportWriteError(path: path, reason: error.localizedDescription)
        }
    }

    /// The events of a run's journal: `path` is `run.jsonl` or the run's log folder.
    /// - Throws: `ReportWriteError` when it cannot be read, `EventLogError` for a bad line.
    public static func journal(at path: String) throws -> [EventLine] {
        var isFolder: ObjCBool = false
        var file = path
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            file = URL(fileURLWithPath: path).appendingPathComponent("run.jsonl").path
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ReportWriteError(path: file, reason: "cannot read it: \(error.localizedDescription)")
        }
        let lines = try EventLineCoding.decodeLines(text, file: file)
        guard !lines.isEmpty else { throw ReportWriteError(path: file, reason: "no events in it") }
        return lines
    }
}

/// The report could not be written, or its events read.
public struct ReportWriteError: LocalizedError, Sendable {
    public var path: String
    public var reason: String

    public var errorDescription: String? { "\(path): error: \(reason)" }
}
