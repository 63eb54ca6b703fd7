import Foundation

/// The shipped playbooks, inventories and Docs examples, found from this file's place in the repository.
enum PlaybookFiles {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL { repository.appendingPathComponent(relative) }

    /// Every `.yml` under `folder`, recursively, sorted; `parts/` folders hold plays that
    /// `playbooks/k8s/assemble.sh` puts together, not playbooks.
    static func playbooks(under folder: String) -> [URL] {
        let root = url(folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "yml" && !$0.pathComponents.contains("parts") && !$0.pathComponents.contains("inventories") }
            .sorted { $0.path < $1.path }
    }

    /// `inventories/*`: every shipped inventory.
    static var inventories: [URL] {
        let folder = url("inventories")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".yml") || $0.hasSuffix(".ini") }.map { folder.appendingPathComponent($0) }
    }
}
