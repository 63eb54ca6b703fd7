/// A parsed playbook: plays in order, each a barrier (DESIGN section 4).
public struct Playbook: Sendable, Hashable {
    public var path: String
    public var plays: [Play]

    public init(path: String, plays: [Play]) {
        self.path = path
        self.plays = plays
    }
}

/// One play: a host pattern and the tasks its hosts run.
public struct Play: Sendable, Hashable {
    public var name: String
    /// Host pattern (`masters`, `workers:!k8s-node2`, ...), a template-free string.
    public var hosts: String
    public var vars: [String: VariableValue]
    /// Batches for rolling runs: `[.count(1), .percent(50)]`; empty = all hosts at once.
    public var serial: [BatchSize]
    /// Stop the play (and the roll) once more than this percentage of its hosts failed.
    public var maxFailPercentage: Double?
    public var become: Bool
    public var strategy: Strategy
    public var tasks: [PlayTask]
    public var location: SourceLocation

    public init(name: String, hosts: String, vars: [String: VariableValue] = [:], serial: [BatchSize] = [],
                maxFailPercentage: Double? = nil, become: Bool = false, strategy: Strategy = .free,
                tasks: [PlayTask] = [], location: SourceLocation) {
        self.name = name
        self.hosts = hosts
        self.vars = vars
        self.serial = serial
        self.maxFailPercentage = maxFailPercentage
        self.become = become
        self.strategy = strategy
        self.tasks = tasks
        self.location = location
    }

    /// How hosts of a play move through its tasks.
    public enum Strategy: String, Sendable, Hashable {
        /// Each host runs its tasks without waiting for the others (default).
        case free
        /// Every host finishes a task before any starts the next (Ansible's default).
        case linear
    }
}

/// A batch size in `serial`.
public enum BatchSize: Sendable, Hashable {
    case count(Int)
    case percent(Double)
}
