import Foundation

/// Folders in the system's temporary directory that a test run removes when it exits.
///
/// Many tests hand a folder to something that outlives the test's own scope (an sshd, a
/// keeper, a fleet process it starts), so a `defer` at the call site is easy to forget; a
/// suite run left a dozen folders behind each time, thousands over a few weeks. Every folder
/// made here is removed when the test process exits normally (XCTest ends with `exit`). A
/// test that wants its folder gone earlier may still remove it itself.
public enum ScratchFolder {
    /// A new, empty folder named `prefix` and a random suffix.
    public static func make(prefix: String) throws -> URL {
        let url = reserve(prefix: prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path in the temporary directory for a folder some other program creates (e.g. a
    /// browser's profile), removed at exit like the folders `make` creates.
    public static func reserve(prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        Registry.shared.add(url)
        return url
    }

    private final class Registry: @unchecked Sendable {
        static let shared: Registry = {
            let registry = Registry()
            atexit { Registry.shared.removeAll() }
            return registry
        }()

        private let lock = NSLock()
        private var folders: [URL] = []

        func add(_ url: URL) { lock.withLock { folders.append(url) } }

        func removeAll() {
            let toRemove = lock.withLock { () -> [URL] in
                defer { folders = [] }
                return folders
            }
            for url in toRemove { try? FileManager.default.removeItem(at: url) }
        }
    }
}
