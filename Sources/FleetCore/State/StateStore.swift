import Foundation

/// The state kept per inventory in `.fleet/state.json` beside the inventory file: captured
/// values (with capture time and expiry) and the last run of each playbook.
///
/// A run opens the store once and holds its lock (`.fleet/state.lock`, `flock`) until it ends,
/// so a second concurrent run against the same inventory fails at once with the holder's pid.
/// Every change is written to disk immediately and atomically (temp file + fsync + rename):
/// a capture taken just before a crash or Ctrl-C is still there for the next run.
///
/// Secret captures are stored in clear, because a later run must use them; that is why the
/// folder is 0700 and the file 0600, checked and tightened on every `open`. They are never
/// printed: `StateListing` masks them.
///
/// Thread-safe: the scheduler records captures from many host tasks at once.
public final class StateStore: @unchecked Sendable {
    public static let fileName = "state.json"
    public static let lockFileName = "state.lock"

    /// The state file this store reads and writes.
    public let fileURL: URL
    private let lock: StateLock
    private let mutex = NSLock()
    private var state: StateSnapshot
    private var isClosed = false

    /// `<inventory folder>/.fleet`, where the state, lock and logs of an inventory live.
    public static func directory(forInventory path: String) -> URL {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().appendingPathComponent(".fleet")
    }

    /// Opens and locks the state of the inventory at `inventoryPath`, creating `.fleet/` if needed.
    ///
    /// - Throws: `StateError.locked` at once when another run holds the lock (it never waits),
    ///   `.corrupt` / `.newerVersion` when the file cannot be used (it is left untouched),
    ///   `.io` when the folder or files cannot be created or restricted.
    public static func open(inventoryPath: String) throws -> StateStore {
        let folder = directory(forInventory: inventoryPath)
        try PrivateFiles.ensureFolder(folder)
        let lock = try StateLock(path: folder.appendingPathComponent(lockFileName).path)
        try PrivateFiles.restrict(lock.path, to: PrivateFiles.fileMode)
        let file = folder.appendingPathComponent(fileName)
        guard let data = try PrivateFiles.read(file) else {
            return StateStore(file: file, lock: lock, state: StateSnapshot())
        }
        try PrivateFiles.restrict(file.path, to: PrivateFiles.fileMode)
        return StateStore(file: file, lock: lock, state: try StateFileFormat.decode(data, path: file.path))
    }

    /// Reads the kept state without locking (for `fleet state` and `fleet check`, which may run
    /// beside a playbook run). Empty when the inventory has no state yet.
    public static func read(inventoryPath: String) throws -> StateSnapshot {
        let file = directory(forInventory: inventoryPath).appendingPathComponent(fileName)
        guard let data = try PrivateFiles.read(file) else { return StateSnapshot() }
        return try StateFileFormat.decode(data, path: file.path).sorted
    }

    private init(file: URL, lock: StateLock, state: StateSnapshot) {
        self.fileURL = file
        self.lock = lock
        self.state = state.sorted
    }

    deinit { lock.release() }

    /// The kept capture `name` of `host`, expired or not: callers check `isExpired` and re-run
    /// the capturing task (`capture.task`) when it is.
    public func capture(host: String, name: String) -> KeptCapture? {
        mutex.withLock { state.captures.first { $0.host == host && $0.name == name } }
    }

    /// All kept captures, by host then name.
    public func captures() -> [KeptCapture] {
        mutex.withLock { state.captures }
    }

    /// Keeps `capture`, replacing any earlier one of the same host and name, and writes the file.
    public func record(_ capture: KeptCapture) throws {
        try change { state in
            state.captures.removeAll { $0.host == capture.host && $0.name == capture.name }
            state.captures.append(capture)
        }
    }

    /// Removes the captures called `name` (of `host` only, when given) and writes the file.
    /// - Returns: how many were removed; the file is left alone when none were.
    @discardableResult
    public func forget(name: String, host: String? = nil) throws -> Int {
        var removed = 0
        try change { state in
            let before = state.captures.count
            state.captures.removeAll { $0.name == name && (host == nil || $0.host == host) }
            removed = before - state.captures.count
        }
        return removed
    }

    /// The last recorded run of the playbook at absolute path `playbook`.
    public func lastRun(playbook: String) -> RunRecord? {
        mutex.withLock { state.runs.first { $0.playbook == playbook } }
    }

    /// Keeps `record` as the last run of its playbook (replacing the previous one) and writes the file.
    public func recordRun(_ record: RunRecord) throws {
        try change { state in
            state.runs.removeAll { $0.playbook == record.playbook }
            state.runs.append(record)
        }
    }

    /// Releases the lock. Reading still works afterwards; changing throws `StateError.closed`.
    public func close() {
        mutex.withLock {
            isClosed = true
            lock.release()
        }
    }

    /// Applies `edit` and writes the result; on a failed write the kept state stays as it was,
    /// so memory never claims what the disk does not hold.
    private func change(_ edit: (inout StateSnapshot) -> Void) throws {
        try mutex.withLock {
            guard !isClosed else { throw StateError.closed(path: fileURL.path) }
            var next = state
            edit(&next)
            next = next.sorted
            guard next != state else { return }
            try PrivateFiles.writeAtomically(try StateFileFormat.encode(next), to: fileURL)
            state = next
        }
    }
}
