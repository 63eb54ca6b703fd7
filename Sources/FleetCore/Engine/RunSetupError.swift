import Foundation

/// Why a run could not start; nothing ran on any host (exit code 65).
public enum RunSetupError: Error, LocalizedError, Sendable, Equatable {
    /// The playbook or inventory has problems; each is printed `file:line:col: error: ...`.
    case invalid([InputError])
    /// `--start-at-task` names no task.
    case unknownStartTask(name: String, known: [String])
    /// `--retry-failed` without a recorded run of this playbook and inventory.
    case noRunToRetry(playbook: String)
    /// `--retry-failed` when the last run had no failed or unreachable host.
    case nothingToRetry(runID: String)
    /// `--limit`, `--retry-failed` and the plays' patterns leave no host.
    case noHosts(String)

    public var errorDescription: String? {
        switch self {
        case .invalid(let errors):
            return errors.compactMap(\.errorDescription).joined(separator: "\n")
        case .unknownStartTask(let name, let known):
            let suggestion = NameSuggestion.closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "error: --start-at-task: no task is named '\(name)'\(suggestion)\n  hint: tasks: "
                + known.map { "'\($0)'" }.joined(separator: ", ")
        case .noRunToRetry(let playbook):
            return "error: --retry-failed: no earlier run of \(playbook) with this inventory is recorded\n"
                + "  hint: run it once without --retry-failed"
        case .nothingToRetry(let runID):
            return "error: --retry-failed: the last run (\(runID)) had no failed or unreachable host; nothing to retry"
        case .noHosts(let why):
            return "error: no host to run on: \(why)"
        }
    }
}
