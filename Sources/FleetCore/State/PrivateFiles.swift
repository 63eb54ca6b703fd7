import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations for state that holds secrets: owner-only modes and all-or-nothing writes.
///
/// The state file stores secret captures in clear, so its folder is 0700 and the file 0600,
/// checked (and tightened) every time a run opens it, in case a copy or an editor loosened them.
/// A write goes to a temporary file in the same folder, is flushed to disk, then renamed over
/// the old file: a crash or Ctrl-C leaves the old state or the new, never half of either.
enum PrivateFiles {
    static let folderMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Creates `folder` (and its parents) if missing and makes it owner-only.
    static func ensureFolder(_ folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StateError.io(path: folder.path, operation: "create folder", reason: error.localizedDescription)
        }
        try restrict(folder.path, to: folderMode)
    }

    /// Sets `path`'s permission bits to `mode` unless they already are.
    static func restrict(_ path: String, to mode: mode_t) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw StateError.system(path, "read permissions") }
        if info.st_mode & 0o7777 != mode {
            guard chmod(path, mode) == 0 else { throw StateError.system(path, "restrict permissions") }
        }
    }

    /// The contents of `url`, or nil when there is no such file.
    static func read(_ url: URL) throws -> Data? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw StateError.io(path: url.path, operation: "read", reason: error.localizedDescription)
        }
    }

    /// Replaces `url` with `data` atomically: temp file (0600) + fsync + rename + fsync of the folder.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw StateError.system(temporary, "create") }
        do {
            try writeAll(data, to: descriptor, path: temporary)
            guard fchmod(descriptor, fileMode) == 0 else { throw StateError.system(temporary, "restrict permissions") }
            guard fsync(descriptor) == 0 else { throw StateError.system(temporary, "flush to disk") }
            close(descriptor)
            guard rename(temporary, url.path) == 0 else { throw StateError.system(url.path, "replace") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        syncFolder(folder.path)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StateError.system(path, "write")
                }
                offset += written
            }
        }
    }

    /// Makes the rename itself durable. Best effort: some file systems refuse fsync on folders.
    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
