import FleetCore
import Foundation

/// Progress on stderr, written as events come; `finish()` once the run is over.
protocol TerminalProgress: RunEventSink {
    func finish()
}

/// Plain lines on stderr (pipes, CI, `TERM=dumb`): each event's text as soon as it comes.
final class TerminalLines: TerminalProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var progress: PlainProgress

    init(_ progress: PlainProgress) { self.progress = progress }

    func emit(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        Terminal.writeError(progress.text(for: event))
    }

    func finish() {}
}

/// The live view on a terminal: lines that stay are printed above an area that is redrawn
/// in place (cursor up, clear to the end of the screen) at most ten times a second, so 300
/// hosts finishing at once cost ten redraws, not 300. When the run ends, the area is
/// replaced by the final lines.
final class TerminalLiveView: TerminalProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var progress: LiveProgress
    /// Text to print above the live area at the next redraw.
    private var pending = ""
    /// Lines of the live area on screen now.
    private var drawnLines = 0
    private let timer: DispatchSourceTimer
    private var stopped = false

    init(_ progress: LiveProgress, interval: DispatchTimeInterval = .milliseconds(100)) {
        self.progress = progress
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fleet.live-view"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
    }

    func emit(_ event: RunEvent) {
        lock.lock()
        pending += progress.apply(event, at: Date())
        let done = progress.finished
        lock.unlock()
        if done { finish() }
    }

    /// Replaces the live area with what is pending, for good.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        timer.cancel()
        Terminal.writeError(eraseLiveArea() + pending)
        pending = ""
        drawnLines = 0
    }

    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        let frame = progress.frame(at: Date(), width: Terminal.width(STDERR_FILENO) ?? 80)
        let text = eraseLiveArea() + pending + frame.map { $0 + "\n" }.joined()
        pending = ""
        drawnLines = frame.count
        Terminal.writeError(text)
    }

    /// Moves the cursor to the first line of the live area and clears down from there.
    private func eraseLiveArea() -> String {
        drawnLines == 0 ? "" : "\r\u{1B}[\(drawnLines)A\u{1B}[J"
    }
}
