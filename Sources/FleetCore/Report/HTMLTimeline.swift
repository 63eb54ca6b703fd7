import Foundation

/// The report's timeline: a row per host (sticky name column), a bar per task on that host
/// placed in percent of the run's span, play marks and round ticks on a sticky axis.
extension HTMLReport {
    static func timeline(_ report: RunReport) -> String {
        let compact = report.hosts.count > compactAbove
        var html = "<section><h2>Timeline</h2>\n<p class=\"legend\">"
        for status in statuses { html += "<span class=\"key \(status.rawValue)\"></span>\(status.rawValue) " }
        html += "<span class=\"key failed ignored\"></span>failed, ignored"
        html += " <span class=\"hint\">— hover or click a bar for its command, duration and output</span></p>\n"
        html += "<p class=\"filters\"><input id=\"filter\" type=\"search\" placeholder=\"filter hosts or tasks…\" aria-label=\"filter hosts or tasks\">"
        html += " <label><input id=\"problems\" type=\"checkbox\"> only hosts that failed or were unreachable</label>"
        html += " <span id=\"shown\" class=\"hint\"></span></p>\n"
        html += "<div class=\"timeline\(compact ? " compact" : "")\" id=\"timeline\">\n"
        html += "<div class=\"axis\"><div class=\"name\">host</div><div class=\"lane\">"
        for tick in TimelineAxis.ticks(span: report.span) {
            html += "<span class=\"tick\" style=\"left:\(percent(tick, of: report.span))\">\(HTMLText.seconds(tick))</span>"
        }
        for play in report.plays {
            let title = HTMLText.escape(play.title)
            html += "<span class=\"play\" style=\"left:\(percent(play.offset, of: report.span))\" title=\"\(title)\">\(title)</span>"
        }
        html += "</div></div>\n"
        for host in report.hosts {
            let name = HTMLText.escape(host)
            let bars = report.bars[host] ?? []
            let problem = bars.contains { $0.result.status == .unreachable || ($0.result.status == .failed && !$0.result.ignored) }
            html += "<div class=\"row\" data-host=\"\(name)\"\(problem ? " data-problem=\"1\"" : "")>"
            html += "<div class=\"name\" title=\"\(name)\">\(name)</div><div class=\"lane\">"
            for bar in bars { html += self.bar(bar, span: report.span) }
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
}
