import Foundation

/// The end-of-run table on stdout, then the run id and where the logs (and the report) are:
///
///     HOST        OK  CHANGED  SKIPPED  FAILED  UNREACHABLE  TIME
///     lab-master  3   1        0        0       0            0.52s
///     lab-node1   2   1        1        1       0            0.48s
///     total       5   2        1        1       0            0.61s
///     run 20261122-013502-ab12, logs: .fleet/logs/20261122-013502-ab12
///
/// With colour, non-zero counts take their status colour and hosts that failed are red.
public enum RecapText {
    /// - Parameters:
    ///   - folder: paths under it are shown relative to it.
    ///   - reportPath: the `--report` file, when one is written.
    public static func text(_ recap: RunRecap, palette: Palette = .plain, folder: String? = nil, reportPath: String? = nil) -> String {
        var table = TextTable("HOST", "OK", "CHANGED", "SKIPPED", "FAILED", "UNREACHABLE", "TIME")
        var styles: [[Palette.Style?]] = [Array(repeating: .header, count: 7)]
        func add(_ name: String, _ line: RunRecap.HostLine, time: Double, nameStyle: Palette.Style?) {
            let counts = [line.ok, line.changed, line.skipped, line.failed, line.unreachable]
            table.rows.append([name] + counts.map(String.init).enumerated().map { index, text in
                index == 3 && line.ignored > 0 ? text + " (+\(line.ignored) ignored)" : text
            } + [Digits.fixed(time, decimals: 2) + "s"])
            let countStyles: [Palette.Style] = [.ok, .changed, .skipped, .failed, .failed]
            styles.append([nameStyle] + zip(counts, countStyles).map { $0 > 0 ? $1 : nil } + [nil])
        }
        var total = RunRecap.HostLine(host: "total")
        for line in recap.hosts {
            add(line.host, line, time: line.duration, nameStyle: line.failed + line.unreachable > 0 ? .failed : .ok)
            total.ok += line.ok
            total.changed += line.changed
            total.skipped += line.skipped
            total.failed += line.failed
            total.unreachable += line.unreachable
            total.ignored += line.ignored
        }
        add("total", total, time: recap.duration, nameStyle: .header)
        var text = table.render(palette: palette, styles: styles)
        text += "run \(recap.runID), logs: \(PathText.relative(recap.logDirectory, to: folder))\n"
        if let reportPath { text += "report: \(PathText.relative(reportPath, to: folder))\n" }
        return text
    }
}

extension TextTable {
    /// The table with each cell painted in `styles[row][column]` (row 0 is the header);
    /// widths are measured before painting, so columns stay aligned with colour on.
    func render(palette: Palette, styles: [[Palette.Style?]]) -> String {
        guard palette.colored else { return render() }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.enumerated().map { row, cells in
            cells.indices.map { column in
                let cell = cells[column]
                let padding = column == cells.count - 1 ? "" : String(repeating: " ", count: widths[column] - cell.count)
                let style = row < styles.count && column < styles[row].count ? styles[row][column] : nil
                return palette.paint(cell, style) + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
