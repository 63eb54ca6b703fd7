import Foundation
import XCTest
@testable import FleetCore

/// Collects a run's events for assertions.
final class CollectingSink: RunEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [RunEvent] = []

    func emit(_ event: RunEvent) { lock.withLock { collected.append(event) } }

    var events: [RunEvent] { lock.withLock { collected } }

    var results: [RunEvent.HostResult] {
        events.compactMap { if case .hostResult(let result) = $0 { return result } else { return nil } }
    }

    func result(_ host: String, _ task: String) -> RunEvent.HostResult? {
        results.last { $0.host == host && $0.task == task }
    }

    /// Every event as JSON, to prove a secret appears nowhere in them.
    var json: String {
        let encoder = JSONEncoder()
        return events.map { String(decoding: try! encoder.encode($0), as: UTF8.self) }.joined(separator: "\n")
    }
}

/// A clock tests move by hand; `sleep` returns at once (and advances the clock).
final class ManualClock: RunClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    func sleep(seconds: Double) async throws { advance(seconds) }
}

/// A throwaway folder with an inventory (state and logs go to its `.fleet/`) and a work
/// folder the fake hosts' commands write into.
final class EngineSandbox {
    let folder: URL
    let inventoryPath: String
    let inventory: Inventory

    static let defaultInventory = """
        groups:
          masters:
            hosts:
              m1: {}
          workers:
            hosts:
              w1: {}
              w2: {}
        """

    init(inventory text: String = EngineSandbox.defaultInventory) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("work"), withIntermediateDirectories: true)
        inventoryPath = folder.appendingPathComponent("hosts.yml").path
        try text.write(toFile: inventoryPath, atomically: true, encoding: .utf8)
        inventory = try Inventory.load(path: inventoryPath)
    }

    /// A sandbox whose inventory is one group `nodes` of `hosts`.
    convenience init(hosts: [String]) throws {
        try self.init(inventory: "groups:\n  nodes:\n    hosts:\n" + hosts.map { "      \($0): {}\n" }.joined())
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The folder fake hosts write into (`{{ work }}` in playbooks).
    var work: String { folder.appendingPathComponent("work").path }

    func file(_ name: String) -> String? {
        try? String(contentsOfFile: work + "/" + name, encoding: .utf8)
    }

    /// Parses `yaml` as the playbook `site.yml` in the sandbox; `{{ work }}` is a play-free -e.
    func playbook(_ yaml: String) throws -> Playbook {
        let path = folder.appendingPathComponent("site.yml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try PlaybookParser.load(path: path)
    }

    /// Runs `yaml` with `options` (plus `-e work=<folder>`), holding the state lock for the run.
    func run(_ yaml: String, transport: FakeTransport, options: RunOptions = RunOptions(), clock: any RunClock = SystemRunClock(),
             sink: CollectingSink = CollectingSink()) async throws -> PlaybookRun.Summary {
        var options = options
        options.extraVars["work"] = .string(work)
        let state = try StateStore.open(inventoryPath: inventoryPath)
        defer { state.close() }
        let run = PlaybookRun(playbook: try playbook(yaml), inventory: inventory, transport: transport, options: options,
                              sink: sink, state: state, clock: clock)
        return try await run.run()
    }

    func keptState() throws -> StateSnapshot { try StateStore.read(inventoryPath: inventoryPath) }
}
