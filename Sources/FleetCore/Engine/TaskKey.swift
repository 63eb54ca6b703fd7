/// A task's place in the playbook: play and task index, both 0-based. Orders tasks the way a
/// run meets them, which is what "an earlier task produces it" means.
struct TaskKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    var play: Int
    var task: Int

    static func < (lhs: TaskKey, rhs: TaskKey) -> Bool {
        (lhs.play, lhs.task) < (rhs.play, rhs.task)
    }

    /// `03`: the task's number in the whole playbook, 1-based, for log file names.
    var description: String { "\(play + 1).\(task + 1)" }
}

/// What readers of a host's values learn about one task on that host.
enum ProducerOutcome: Sendable, Hashable {
    /// The task ran (its register/capture, if any, is on the board).
    case ran
    /// It did not produce: why, in words that complete "x …" (`failed at task 'T': rc=1`).
    case unavailable(String)
}
