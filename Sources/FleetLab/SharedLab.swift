import Foundation

extension Lab {
    /// Directory of the lab that test suites share (FleetSSHTests, FleetCLITests, ...).
    public static let sharedDirectory = URL(fileURLWithPath: "/tmp/fleet-test-lab")

    /// The test suites' shared lab with at least `count` hosts running, brought up once per
    /// test process and reused by every test after that.
    ///
    /// It never shrinks: another suite (or a parallel test process) may be using more hosts.
    /// It is left running at exit so the next test run starts instantly; `fleet lab down
    /// --dir /tmp/fleet-test-lab` removes it.
    public static func shared(count: Int) throws -> Lab {
        try SharedLabRegistry.instance.ensure(count: count)
    }
}

/// Remembers how many hosts this process already made sure of, so repeated calls cost nothing.
private final class SharedLabRegistry: @unchecked Sendable {
    static let instance = SharedLabRegistry()
    private let lock = NSLock()
    private var ensuredCount = 0

    func ensure(count: Int) throws -> Lab {
        lock.lock()
        defer { lock.unlock() }
        let lab = Lab(directory: Lab.sharedDirectory)
        if count <= ensuredCount { return lab }
        let wanted = max(count, lab.hosts().count)
        try lab.up(count: wanted)
        ensuredCount = wanted
        return lab
    }
}
