/// Turns run events into plain progress text for pipes, CI and `TERM=dumb`: play headers, a
/// line per task per host as it finishes, failures in full where they happen, and at the
/// end one line per distinct error.
///
/// Feed it events in order; it returns what to print (possibly nothing). It keeps the state
/// that text needs (column widths, check mode, failures so far) and no clock, so the same
/// events always give the same text.
public struct PlainProgress: Sendable {
    public var verbosity: Verbosity
    public var palette: Palette
    /// Log paths under this folder are shown relative to it.
    public var folder: String?
    /// Print ok / changed / skipped lines (the live view turns this off: it shows counts instead).
    public var showsSuccesses: Bool

    private var hostWidth = 4
    private(set) public var digest = FailureDigest()

    public init(verbosity: Verbosity = .normal, palette: Palette = .plain, folder: String? = nil, showsSuccesses: Bool = true) {
        self.verbosity = verbosity
        self.palette = palette
        self.folder = folder
        self.showsSuccesses = showsSuccesses
    }

    /// What to print for `event`; every line ends in `\n`.
    public mutating func text(for event: RunEvent) -> String {
        let chatty = verbosity >= .normal
        switch event {
        case .runStart(let start):
            hostWidth = max(4, start.hosts.map(\.count).max() ?? 0)
            guard chatty else { return "" }
            let hosts = "\(start.hosts.count) host\(start.hosts.count == 1 ? "" : "s")"
            return "run \(start.runID)\(start.checkMode ? " (check mode: nothing is changed)" : ""): \(hosts)\n"
        case .playStart(let play):
            guard chatty else { return "" }
            return palette.paint(Self.playTitle(play), .header) + ": \(HostRangeFormatter.format(play.hosts))\n"
        case .taskStart:
            return ""
        case .hostResult(let result):
            digest.add(result)
            let problem = result.status == .unreachable || (result.status == .failed && !result.ignored)
            guard problem || (chatty && showsSuccesses) else { return "" }
            return HostResultText(hostWidth: hostWidth, verbosity: verbosity, palette: palette, folder: folder).text(result)
        case .capture, .keptValue:
            guard chatty, let line = RunEventText.line(for: event) else { return "" }
            return line + "\n"
        case .recap:
            return digest.text(palette: palette)
        case .runEnd(let end):
            return end.interrupted ? palette.paint("interrupted", .failed) + ": state kept; running commands were sent a hangup\n" : ""
        }
    }

    /// `PLAY configure [batch 2/3]`.
    static func playTitle(_ play: RunEvent.PlayStart) -> String {
        "PLAY \(play.name)" + (play.batches > 1 ? " [batch \(play.batch)/\(play.batches)]" : "")
    }
}
