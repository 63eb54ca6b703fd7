import Foundation

/// The report's tables: captures (secret ones masked as the events have them) and the recap.
extension HTMLReport {
    static func captures(_ report: RunReport) -> String {
        var html = "<section><h2>Captures</h2>\n"
        guard !report.captures.isEmpty || !report.keptValues.isEmpty else { return html + "<p class=\"hint\">No value was captured.</p></section>\n" }
        if !report.captures.isEmpty {
            html += "<table class=\"captures\"><thead><tr><th>host</th><th>name</th><th>value</th><th>captured</th><th>expires</th></tr></thead><tbody>\n"
            for (time, note) in report.captures {
                let value = "<code>\(HTMLText.escape(note.value))</code>" + (note.secret ? " <span class=\"badge skipped\">secret</span>" : "")
                html += "<tr><td>\(HTMLText.escape(note.host))</td><td>\(HTMLText.escape(note.name))</td><td>\(value)</td>"
                html += "<td>\(HTMLText.time(time))</td><td>\(note.expiresAt.map(HTMLText.time) ?? "never")</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if !report.keptValues.isEmpty {
            html += "<ul class=\"kept\">"
            for note in report.keptValues {
                let how: String
                switch note.source {
                case .kept: how = "used the kept value"
                case .rerunMissing: how = "had no kept value: ran '\(note.task)' again"
                case .rerunExpired: how = "found the kept value expired: ran '\(note.task)' again"
                }
                html += "<li>\(HTMLText.escape(note.reader)) needed \(HTMLText.escape(note.host)):\(HTMLText.escape(note.name)) and \(HTMLText.escape(how))</li>"
            }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    static func recap(_ report: RunReport) -> String {
        guard let recap = report.recap else { return "" }
        var html = "<section><h2>Recap</h2>\n<div class=\"scroll\"><table class=\"recap\"><thead><tr><th>host</th>"
        for status in statuses { html += "<th class=\"\(status.rawValue)\">\(status.rawValue)</th>" }
        html += "<th>time</th></tr></thead><tbody>\n"
        var total = RunRecap.HostLine(host: "total")
        for line in recap.hosts {
            total.ok += line.ok; total.changed += line.changed; total.skipped += line.skipped
            total.failed += line.failed; total.unreachable += line.unreachable; total.ignored += line.ignored
            html += recapRow(line, duration: line.duration, rowClass: line.failed + line.unreachable > 0 ? "bad" : "")
        }
        html += "</tbody><tfoot>" + recapRow(total, duration: recap.duration, rowClass: "total") + "</tfoot></table></div></section>\n"
        return html
    }

    private static func recapRow(_ line: RunRecap.HostLine, duration: Double, rowClass: String) -> String {
        let failed = "\(line.failed)" + (line.ignored > 0 ? " (+\(line.ignored) ignored)" : "")
        let cells = ["\(line.ok)", "\(line.changed)", "\(line.skipped)", failed, "\(line.unreachable)", HTMLText.seconds(duration)]
        return "<tr class=\"\(rowClass)\"><td>\(HTMLText.escape(line.host))</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
    }
}
