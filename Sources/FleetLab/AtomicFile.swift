import Foundation

/// Writes files so a reader sees the old content or the new, never half of it.
///
/// Tests in other processes read the lab's inventory and known_hosts while a lab may be
/// growing, so every file goes to a temporary name in the same directory and is renamed.
enum AtomicFile {
    static func write(_ text: String, to url: URL, mode: mode_t = 0o644) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8)) else {
                throw LabError.file(path: temporary.path, reason: "cannot create")
            }
            guard chmod(temporary.path, mode) == 0, rename(temporary.path, url.path) == 0 else {
                throw LabError.file(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as LabError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            throw LabError.file(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The file's text, or nil when it does not exist or cannot be read.
    static func read(_ url: URL) -> String? {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
    }
}
