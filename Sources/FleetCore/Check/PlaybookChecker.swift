import Foundation

/// `fleet check`: everything that can be wrong with a playbook against an inventory, found
/// without connecting to any host.
///
/// Walks the plays in order, as a run would, keeping which names earlier tasks register or
/// capture on which host, so a task that reads a capture before any task produces it is
/// reported here rather than failing halfway through a run. Every error is collected (not
/// only the first), deduplicated across hosts, and sorted by location.
public struct PlaybookChecker {
    public let playbook: Playbook
    public let inventory: Inventory
    public let extraVars: [String: VariableValue]

    public init(playbook: Playbook, inventory: Inventory, extraVars: [String: VariableValue] = [:]) {
        self.playbook = playbook
        self.inventory = inventory
        self.extraVars = extraVars
    }

    /// Every problem found, sorted by file, line and column; empty when the playbook is sound.
    public func check() -> [InputError] {
        var errors: [InputError] = []
        var produced = ProducedVariables()
        for play in playbook.plays {
            let hosts: [Host]
            do {
                hosts = try inventory.select(play.hosts, at: play.location)
            } catch {
                errors.append(error as? InputError ?? InputError(error.localizedDescription, at: play.location))
                continue
            }
            for task in play.tasks {
                var context = TaskCheck(task: task, play: play, hosts: hosts, produced: produced, checker: self)
                errors += context.run()
                produced.record(task, on: hosts)
            }
        }
        return Self.sortedUnique(errors)
    }

    /// The folder local paths (`copy.src`, `script`) are relative to.
    var playbookFolder: URL {
        URL(fileURLWithPath: playbook.path).deletingLastPathComponent()
    }

    /// A task that registers or captures `name` and comes after `location`, for hints.
    func laterProducer(of name: String, after location: SourceLocation) -> ProducedVariables.Producer? {
        playbook.plays.lazy.flatMap(\.tasks).flatMap(ProducedVariables.producers(of:)).first { producer in
            producer.name == name && (producer.location.line, producer.location.column) > (location.line, location.column)
        }
    }

    private static func sortedUnique(_ errors: [InputError]) -> [InputError] {
        var seen = Set<String>()
        let unique = errors.filter { seen.insert($0.errorDescription ?? $0.message).inserted }
        return unique.sorted { a, b in
            let left = a.location.map { ($0.file, $0.line, $0.column) } ?? ("", 0, 0)
            let right = b.location.map { ($0.file, $0.line, $0.column) } ?? ("", 0, 0)
            if left != right { return left < right }
            return a.message < b.message
        }
    }
}
