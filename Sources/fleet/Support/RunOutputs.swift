import FleetCore
import Foundation

/// Everything a `fleet run` tells about the run, built in one place: progress on stderr
/// (plain lines or the live view), plus any other sink a flag asks for (`--json`,
/// `--report`): append it to `sinks`. The engine gets this as its one sink.
struct RunOutputs: RunEventSink {
    /// Progress on stderr; nil when nothing is to be shown there.
    var progress: (any TerminalProgress)?
    /// Further sinks, each sees every event after the progress.
    var sinks: [any RunEventSink] = []
    /// The `--report` file, named under the recap when one is written.
    var reportPath: String?
    /// Paths under this folder are printed relative to it.
    let folder: String

    /// Progress as the terminal and flags ask: the live view on a terminal that can redraw
    /// (unless `-q`), plain lines otherwise.
    static func progress(verbosity: Verbosity, color: ColorMode, folder: String) -> RunOutputs {
        let palette = Terminal.palette(color, for: STDERR_FILENO)
        let progress: any TerminalProgress
        if Terminal.supportsLiveView, verbosity > .quiet {
            progress = TerminalLiveView(LiveProgress(verbosity: verbosity, palette: palette, folder: folder))
        } else {
            progress = TerminalLines(PlainProgress(verbosity: verbosity, palette: palette, folder: folder))
        }
        return RunOutputs(progress: progress, folder: folder)
    }

    func emit(_ event: RunEvent) {
        progress?.emit(event)
        for sink in sinks { sink.emit(event) }
    }

    /// Ends the live view (if the run ended without saying so) before anything else is printed.
    func finish() {
        progress?.finish()
    }

    /// The recap for stdout, coloured if stdout is a terminal (or `--color always`).
    func recapText(_ recap: RunRecap, color: ColorMode) -> String {
        RecapText.text(recap, palette: Terminal.palette(color, for: STDOUT_FILENO), folder: folder, reportPath: reportPath)
    }
}
