import Foundation

/// The controller-side file work of actions: finding a task's local files and writing
/// fetched ones.
enum LocalFiles {
    /// `path` joined under `directory` unless it is already absolute.
    static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if directory.isEmpty { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// The bytes of the local file a task names, relative to the playbook.
    /// - Throws: `InputError` at the task's `src` when the file cannot be read.
    static func read(_ path: String, in directory: String, for template: Template) throws -> [UInt8] {
        let full = try existingFile(path, in: directory, for: template).path
        guard let bytes = SharedReads.shared.contents(of: full) else {
            throw InputError("cannot read local file '\(path)'", at: template.locator.base)
        }
        return bytes
    }

    /// The full path and size of the local file a task names, relative to the playbook,
    /// without reading it.
    /// - Throws: `InputError` at the task's `src` when there is no such file or it is a folder.
    static func existingFile(_ path: String, in directory: String, for template: Template) throws -> (path: String, size: Int) {
        let full = join(directory, path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            throw InputError("local file '\(path)' does not exist", at: template.locator.base,
                             hint: "local paths are relative to the playbook's folder (\(full))")
        }
        guard !isDirectory.boolValue, access(full, R_OK) == 0,
              let size = (try? FileManager.default.attributesOfItem(atPath: full))?[.size] as? Int else {
            throw InputError("cannot read local file '\(path)'\(isDirectory.boolValue ? ": it is a folder" : "")",
                             at: template.locator.base)
        }
        return (full, size)
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
    /// reader never sees half a file; creates missing parent folders.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).fleet-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try Data(bytes).write(to: temporary)
            guard rename(temporary.path, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// A size for people: "512 B", "1.2 KB", "3.4 MB".
    static func sizeText(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}

/// The last few local files read whole, shared by every host of a task: a template or script
/// read for 20 hosts is held once (arrays share their storage) instead of 20 times. An entry is
/// valid while the file keeps its size and modification time. (`copy` of a local file streams
/// it from disk instead, when the connection can.)
final class SharedReads: @unchecked Sendable {
    static let shared = SharedReads()
    private let lock = NSLock()
    private var entries: [(path: String, version: String, bytes: [UInt8])] = []
    private let capacity = 4

    func bytes(of path: String) -> [UInt8]? {
        let version = Self.version(of: path)
        lock.lock()
        defer { lock.unlock() }
        return entries.first { $0.path == path && $0.version == version }?.bytes
    }

    /// The file's bytes, from the cache or read now and kept; nil when it cannot be read.
    func contents(of path: String) -> [UInt8]? {
        if let cached = bytes(of: path) { return cached }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        keep(bytes, of: path)
        return bytes
    }

    func keep(_ bytes: [UInt8], of path: String) {
        let version = Self.version(of: path)
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.path == path }
        entries.append((path, version, bytes))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Size and modification time: what tells one version of a file from the next.
    static func version(of path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? Int) ?? -1
        let time = ((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970) ?? 0
        return "\(size)/\(time)"
    }
}
