import Foundation

/// Writes every event as one JSON line (`EventLine`): `--json` on stdout, and the run's
/// journal `.fleet/logs/<run-id>/run.jsonl`.
///
/// Lines are encoded and written under one lock, so their order is the order events were told
/// and two hosts never interleave inside a line.
public final class JSONLinesSink: RunEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stamp: EventStamp
    private let write: @Sendable (Data) -> Void

    /// - Parameters:
    ///   - now: the clock that stamps `time`.
    ///   - write: receives each line, newline included.
    public init(now: @escaping @Sendable () -> Date = { Date() }, write: @escaping @Sendable (Data) -> Void) {
        stamp = EventStamp(now: now)
        self.write = write
    }

    public func emit(_ event: RunEvent) {
        lock.withLock {
            let line = stamp.line(for: event)
            write(Data((EventLineCoding.encode(line) + "\n").utf8))
        }
    }

    /// `--json`: lines on standard output.
    public static func standardOutput() -> JSONLinesSink {
        JSONLinesSink { FileHandle.standardOutput.write($0) }
    }

    /// The journal of a run: `run.jsonl` in its log folder (created 0700, like the logs).
    /// A folder that cannot be written loses the journal, not the run.
    static func journal(in folder: URL, clock: any RunClock) -> JSONLinesSink {
        let file = JournalFile(url: folder.appendingPathComponent("run.jsonl"))
        return JSONLinesSink(now: { clock.now() }, write: file.append)
    }
}

/// The journal file, opened on its first line so a run that fails before it starts leaves no folder.
private final class JournalFile: @unchecked Sendable {
    private let url: URL
    private var handle: FileHandle?
    private var failed = false

    init(url: URL) { self.url = url }

    /// Called under the sink's lock.
    func append(_ data: Data) {
        if handle == nil, !failed {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                handle = try FileHandle(forWritingTo: url)
            } catch {
                failed = true
            }
        }
        try? handle?.write(contentsOf: data)
    }

    deinit { try? handle?.close() }
}
