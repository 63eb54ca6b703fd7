import Foundation

/// Full stdout and stderr of every task on every host, under
/// `.fleet/logs/<run-id>/<host>/<nn>-<task-slug>.out|.err` beside the inventory's state.
///
/// The bytes are written redacted: every secret the run knows when the task ends is replaced
/// by `••••`, so the log folder can be shared to debug a run without leaking a join token.
/// (Output is decoded as UTF-8 for that; invalid bytes become U+FFFD in the log.)
struct RunLogs: Sendable {
    /// `.fleet/logs/<run-id>`.
    let directory: URL

    init(stateDirectory: URL, runID: String) {
        directory = stateDirectory.appendingPathComponent("logs").appendingPathComponent(runID)
    }

    /// Writes the streams of task number `number` on `host` that have something to say:
    /// both for a failed task (the failure message points at its `.err`), otherwise only the
    /// non-empty ones. Most tasks of a playbook print nothing, and creating two empty files
    /// per host and task was a fifth of `fleet run`'s CPU on 20 hosts (inode allocation).
    /// - Returns: the path without extension, for events; nil when nothing was written (or
    ///   the files could not be written).
    func write(host: String, number: Int, task: String, stdout: String, stderr: String, failed: Bool) -> String? {
        guard failed || !stdout.isEmpty || !stderr.isEmpty else { return nil }
        let folder = directory.appendingPathComponent(Self.slug(host))
        let base = folder.appendingPathComponent(Digits.padded(number, width: 2) + "-" + Self.slug(task))
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if failed || !stdout.isEmpty { try Data(stdout.utf8).write(to: base.appendingPathExtension("out")) }
            if failed || !stderr.isEmpty { try Data(stderr.utf8).write(to: base.appendingPathExtension("err")) }
            return base.path
        } catch {
            return nil
        }
    }

    /// `Install redis` → `install-redis`: lower-case letters and digits, dashes between words.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber || character == "." || character == "_" {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "task" : String(slug.prefix(60))
    }

    /// `20261122-013502-ab12`: sortable by time, unique enough for two runs in one second.
    static func newRunID(at date: Date) -> String {
        Digits.calendarText(date, utc: false, dateSeparator: "", between: "-", timeSeparator: "")
            + "-" + Digits.hex(UInt16.random(in: 0...UInt16.max), width: 4)
    }
}
