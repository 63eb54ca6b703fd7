import Foundation

/// What a lab has running, kept in `<lab dir>/lab.json` so later `up`, `status` and `down`
/// calls (from any process) know which pids and kernel objects belong to it.
struct LabState: Codable, Equatable {
    enum Mode: String, Codable {
        /// Root: one network namespace per host behind a lab bridge.
        case namespaces
        /// Not root: sshd processes on 127.0.0.1 with one port each.
        case loopback
    }

    struct Host: Codable, Equatable {
        var index: Int
        var host: LabHost
        var pid: Int32
    }

    var id: String
    var mode: Mode
    var block: Int
    var hosts: [Host]

    static func load(from url: URL) -> LabState? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(LabState.self, from: data)
    }

    func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: url)
    }
}
