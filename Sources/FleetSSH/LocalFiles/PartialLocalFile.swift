import Foundation

/// A local file written piece by piece as bytes arrive from a host, and put in place only when
/// complete: the pieces go to a hidden temporary file in the same folder, which is renamed
/// over the destination at the end (a reader never sees half a file) or removed on failure.
/// It gets the usual permissions (0666 less the umask), like a file `cp` makes.
///
/// The temporary file's name carries the writer's process id (`.NAME.fleet-PID-RANDOM`). A
/// process killed with SIGKILL cannot remove its file; the next one for the same destination
/// does, once that process is gone and the file has not changed for a minute.
final class PartialLocalFile {
    /// A temporary file untouched this long, whose writer no longer runs, is a leftover.
    static let leftoverAge: TimeInterval = 60

    let path: String
    /// Named in errors: "download" for SFTP, the command's purpose otherwise.
    private let operation: String
    private let temporary: String
    private let file: FileHandle
    private var closed = false

    /// - Throws: `SSHError.sftpFailed` naming `operation` when the folder is not writable.
    init(for path: String, operation: String) throws {
        self.path = path
        self.operation = operation
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = Self.temporaryPrefix(of: url.lastPathComponent)
        Self.removeLeftovers(in: folder, prefix: prefix)
        temporary = folder + "/" + prefix + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw Self.failure(operation, path, String(cString: strerror(errno))) }
        file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func append(_ bytes: [UInt8]) throws {
        do {
            try file.write(contentsOf: bytes)
        } catch {
            throw Self.failure(operation, path, error.localizedDescription)
        }
    }

    /// Puts the file in place.
    func commit() throws {
        closed = true
        do {
            try file.close()
        } catch {
            unlink(temporary)
            throw Self.failure(operation, path, error.localizedDescription)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Self.failure(operation, path, reason)
        }
    }

    /// Drops what was written; the destination is left as it was.
    func discard() {
        if !closed { try? file.close() }
        closed = true
        unlink(temporary)
    }

    /// `.NAME.fleet-`: what every temporary file for the destination NAME starts with.
    static func temporaryPrefix(of name: String) -> String { ".\(name).fleet-" }

    /// Removes temporary files for the same destination that a process killed mid-transfer
    /// left: their writer is gone and they are older than `leftoverAge`. The age guards a
    /// folder shared with another machine, where a process id means nothing.
    static func removeLeftovers(in folder: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let fields = name.dropFirst(prefix.count).split(separator: "-")
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, UInt32(fields[1]) != nil,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  Date().timeIntervalSince(modified) > leftoverAge else { continue }
            unlink(path)
        }
    }

    private static func failure(_ operation: String, _ path: String, _ reason: String) -> SSHError {
        .sftpFailed(operation: operation, path: path, reason: "cannot write the local file: \(reason)")
    }
}
