/// The names that tasks register or capture on each host, as the checker walks the playbook
/// in order: what "an earlier task" has produced by the time a task runs.
struct ProducedVariables {
    /// A `register:` or `capture:` and the task it comes from.
    struct Producer: Sendable {
        var name: String
        var task: String
        var location: SourceLocation
        var isCapture: Bool

        var value: StaticValue { isCapture ? .opaque : .registered }
        var verb: String { isCapture ? "captures" : "registers" }
    }

    /// Host name → variable name → producer, latest producer winning.
    private var byHost: [String: [String: Producer]] = [:]

    /// What `task` produces, in the order a reader sees it.
    static func producers(of task: PlayTask) -> [Producer] {
        var result: [Producer] = []
        if let name = task.register {
            result.append(Producer(name: name, task: task.name, location: task.location, isCapture: false))
        }
        if let capture = task.capture {
            result.append(Producer(name: capture.name, task: task.name, location: task.location, isCapture: true))
        }
        return result
    }

    /// Records what `task` produces on each of `hosts` (all of them, even with `run_once`:
    /// like Ansible, a run-once result is given to every host of the play).
    mutating func record(_ task: PlayTask, on hosts: [Host]) {
        for producer in Self.producers(of: task) {
            for host in hosts { byHost[host.name, default: [:]][producer.name] = producer }
        }
    }

    func produced(on host: String) -> [String: Producer] {
        byHost[host] ?? [:]
    }
}
