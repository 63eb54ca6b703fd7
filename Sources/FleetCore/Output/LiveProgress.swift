import Foundation

/// Progress for a terminal: lines that stay (play headers, failures as they happen, a
/// summary per task when its play ends, the error digest) above a live area redrawn in
/// place (`LiveStatus`). Ok / changed / skipped lines are left to the live counts unless
/// `-v` asks for each host's output.
///
/// Like `PlainProgress` it only turns events into text; `fleet` writes it and redraws.
public struct LiveProgress: Sendable {
    private var lines: PlainProgress
    private var status = LiveStatus()
    public let palette: Palette
    /// After `runEnd` the live area is gone for good.
    public private(set) var finished = false

    public init(verbosity: Verbosity = .normal, palette: Palette = .plain, folder: String? = nil) {
        self.palette = palette
        lines = PlainProgress(verbosity: verbosity, palette: palette, folder: folder, showsSuccesses: verbosity >= .verbose)
    }

    /// Takes in `event` (seen at `now`) and returns the text to print above the live area.
    public mutating func apply(_ event: RunEvent, at now: Date) -> String {
        var text = ""
        switch event {
        case .playStart, .recap:
            if status.hasPlay { text += status.summary(palette: palette) }
        case .runEnd:
            finished = true
        default:
            break
        }
        status.apply(event, at: now)
        if case .recap = event { status = LiveStatus() }
        return text + lines.text(for: event)
    }

    /// The live area now, each line at most `width` characters wide.
    public func frame(at now: Date, width: Int) -> [String] {
        finished ? [] : status.frame(at: now, palette: palette, width: width)
    }
}
