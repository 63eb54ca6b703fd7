import Foundation

/// A local file written piece by piece as bytes arrive from a host, and put in place only when
/// complete: the pieces go to a hidden temporary file in the same folder, which is renamed
/// over the destination at the end (a reader never sees half a file) or removed on failure.
/// It gets the usual permissions (0666 less the umask), like a file `cp` makes.
final class PartialLocalFile {
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
        temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).fleet-\(UInt32.random(in: 0...UInt32.max))").path
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

    private static func failure(_ operation: String, _ path: String, _ reason: String) -> SSHError {
        .sftpFailed(operation: operation, path: path, reason: "cannot write the local file: \(reason)")
    }
}
