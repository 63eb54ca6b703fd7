import Foundation

/// `--report FILE.html`: one self-contained page (inline CSS and script, no network, no
/// external assets) with the run's facts, a per-host timeline of tasks, the captures and
/// the recap table.
///
/// The timeline is drawn as plain HTML (each bar an element placed in percent of the run's
/// span), so it reads without the script; the script only fills the detail panel when a bar
/// is hovered or clicked. With many hosts the rows shrink and scroll under a sticky axis
/// beside a sticky host column.
public enum HTMLReport {
    /// Above this many hosts, rows are drawn compact.
    static let compactAbove = 30

    /// Column and legend order.
    private static let statuses: [HostStatus] = [.ok, .changed, .skipped, .failed, .unreachable]

    public static func render(_ report: RunReport) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>fleet run \(HTMLText.escape(report.runID))</title>
            <style>\(HTMLReportAssets.css)</style>
            </head><body>

            """
        html += header(report)
        html += timeline(report)
        html += captures(report)
        html += recap(report)
        html += "<script>\(HTMLReportAssets.script)</script>\n</body></html>\n"
        return html
    }

    private static func header(_ report: RunReport) -> String {
        let outcome: (String, String)
        switch report.exitCode {
        case nil: outcome = ("unfinished", "did not finish")
        case 0?: outcome = ("ok", "all ok")
        case 130?: outcome = ("failed", "interrupted")
        case let code?: outcome = ("failed", "exit code \(code)")
        }
        var facts: [(String, String)] = [("playbook", report.playbook)]
        if let inventory = report.inventory { facts.append(("inventory", inventory)) }
        facts += [("started", HTMLText.time(report.started)), ("ended", HTMLText.time(report.ended)),
                  ("duration", HTMLText.seconds(report.span)), ("hosts", "\(report.hosts.count)"),
                  ("logs", report.logDirectory)]
        var html = "<header><h1>fleet run <code>\(HTMLText.escape(report.runID))</code>"
        html += " <span class=\"badge \(outcome.0)\">\(HTMLText.escape(outcome.1))</span>"
        if report.checkMode { html += " <span class=\"badge skipped\">check mode</span>" }
        html += "</h1>\n<dl class=\"facts\">"
        for (name, value) in facts { html += "<dt>\(name)</dt><dd>\(HTMLText.escape(value))</dd>" }
        html += "</dl>\n<p class=\"totals\">"
        let counts = totals(report)
        for status in statuses {
            html += "<span class=\"chip \(status.rawValue)\">\(counts[status, default: 0]) \(status.rawValue)</span> "
        }
        return html + "</p></header>\n"
    }

    private static func totals(_ report: RunReport) -> [HostStatus: Int] {
        var counts: [HostStatus: Int] = [:]
        for bars in report.bars.values { for bar in bars { counts[bar.result.status, default: 0] += 1 } }
        return counts
    }

    private static func timeline(_ report: RunReport) -> String {
        let compact = report.hosts.count > compactAbove
        var html = "<section><h2>Timeline</h2>\n<p class=\"legend\">"
        for status in statuses { html += "<span class=\"key \(status.rawValue)\"></span>\(status.rawValue) " }
        html += "<span class=\"key failed ignored\"></span>failed, ignored"
        html += " <span class=\"hint\">— hover or click a bar for its command, duration and output</span></p>\n"
        html += "<div class=\"timeline\(compact ? " compact" : "")\" id=\"timeline\">\n"
        html += "<div class=\"axis\"><div class=\"name\">host</div><div class=\"lane\">"
        for tick in TimelineAxis.ticks(span: report.span) {
            html += "<span class=\"tick\" style=\"left:\(percent(tick, of: report.span))\">\(HTMLText.seconds(tick))</span>"
        }
        for play in report.plays {
            html += "<span class=\"play\" style=\"left:\(percent(play.offset, of: report.span))\" title=\"\(HTMLText.escape(play.title))\"></span>"
        }
        html += "</div></div>\n"
        for host in report.hosts {
            let name = HTMLText.escape(host)
            html += "<div class=\"row\" data-host=\"\(name)\"><div class=\"name\" title=\"\(name)\">\(name)</div><div class=\"lane\">"
            for bar in report.bars[host] ?? [] { html += self.bar(bar, span: report.span) }
            html += "</div></div>\n"
        }
        html += "</div>\n<aside id=\"detail\" class=\"detail\"><p class=\"hint\">Hover or click a bar.</p></aside></section>\n"
        return html
    }

    private static func bar(_ bar: Bar, span: Double) -> String {
        let result = bar.result
        let classes = "bar \(result.status.rawValue)" + (result.ignored ? " ignored" : "")
        let command = result.commands.isEmpty ? (result.action ?? "") : result.commands.joined(separator: "\n")
        var title = "\(result.task) — \(result.status.rawValue)\(result.ignored ? " (ignored)" : "") in \(HTMLText.seconds(result.duration))"
        if let rc = result.rc { title += ", rc=\(rc)" }
        if !command.isEmpty { title += "\n\(command)" }
        var attributes: [(String, String)] = [
            ("host", result.host), ("play", result.play), ("task", result.task), ("status", result.status.rawValue),
            ("duration", HTMLText.seconds(result.duration)), ("command", command),
        ]
        if let rc = result.rc { attributes.append(("rc", "\(rc)")) }
        if let message = result.message { attributes.append(("message", message)) }
        if !result.stdoutExcerpt.isEmpty { attributes.append(("stdout", result.stdoutExcerpt)) }
        if !result.stderrExcerpt.isEmpty { attributes.append(("stderr", result.stderrExcerpt)) }
        if let log = result.logPath { attributes.append(("log", log)) }
        let width = max(bar.end - bar.start, 0)
        var html = "<div class=\"\(classes)\" style=\"left:\(percent(bar.start, of: span));width:\(percent(width, of: span))\""
        html += " title=\"\(HTMLText.escape(title))\" tabindex=\"0\""
        for (name, value) in attributes { html += " data-\(name)=\"\(HTMLText.escape(value))\"" }
        return html + "></div>"
    }

    private typealias Bar = RunReport.Bar

    private static func percent(_ value: Double, of span: Double) -> String {
        String(format: "%.3f%%", min(max(value / span * 100, 0), 100))
    }

    private static func captures(_ report: RunReport) -> String {
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

    private static func recap(_ report: RunReport) -> String {
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
