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
    static let statuses: [HostStatus] = [.ok, .changed, .skipped, .failed, .unreachable]

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
        var counts: [String: Int] = [:]
        for bars in report.bars.values {
            for bar in bars { counts[bar.result.ignored ? "ignored" : bar.result.status.rawValue, default: 0] += 1 }
        }
        for status in statuses.map(\.rawValue) {
            html += "<span class=\"chip \(status)\">\(counts[status, default: 0]) \(status)</span> "
        }
        if let ignored = counts["ignored"] { html += "<span class=\"chip failed ignored-chip\">\(ignored) failed, ignored</span>" }
        return html + "</p></header>\n"
    }
}
