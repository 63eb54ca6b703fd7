import Foundation

/// Starts each lab host's `sshd -D` detached, and waits until all of them answer.
///
/// sshd runs under `setsid -f`, so it is not a child of fleet: it outlives the fleet process
/// (the lab stays up between commands) and never becomes fleet's zombie. Its pid comes from
/// its own PidFile. In a namespace lab it runs under `ip netns exec` (network and the host's
/// /etc/hosts) and `unshare --uts` with the host's hostname set just before sshd starts.
enum SSHDLauncher {
    struct Launch: Sendable {
        var name: String
        var namespace: String?
        var config: URL
        var pidFile: URL
        var log: URL
        /// Addresses to probe: every listen address must answer before the host counts as up.
        var probes: [(address: String, port: Int)]
    }

    static func start(_ launches: [Launch]) throws {
        guard !launches.isEmpty else { return }
        let sshd = try ExternalCommand.locate("sshd")
        let setsid = try ExternalCommand.locate("setsid")
        var script = ""
        for launch in launches {
            try? FileManager.default.removeItem(at: launch.pidFile)
            let daemon = "\(sshd) -D -f \(shellQuoted(launch.config.path)) -E \(shellQuoted(launch.log.path))"
            if let namespace = launch.namespace {
                let inner = "echo \(launch.name) > /proc/sys/kernel/hostname && exec \(daemon)"
                let ip = try ExternalCommand.locate("ip"), unshare = try ExternalCommand.locate("unshare")
                script += "\(setsid) -f \(ip) netns exec \(namespace) \(unshare) --uts sh -c \(shellQuoted(inner))"
            } else {
                script += "\(setsid) -f \(daemon)"
            }
            script += " </dev/null >/dev/null 2>&1\n"
        }
        try ExternalCommand.runScript(script)
    }

    /// Waits until every launch has written its pid and answers on all its addresses.
    ///
    /// - Returns: the sshd pid per host name.
    /// - Throws: `LabError.hostNotAnswering` naming the first host that missed the deadline,
    ///   with the tail of its sshd log.
    static func waitUntilReady(_ launches: [Launch], deadline: Date) throws -> [String: Int32] {
        var pids: [String: Int32] = [:]
        var pending = launches
        while !pending.isEmpty {
            let answers = readyPIDs(pending)
            for (launch, pid) in zip(pending, answers) where pid != nil { pids[launch.name] = pid }
            pending = zip(pending, answers).filter { $0.1 == nil }.map(\.0)
            guard !pending.isEmpty else { break }
            if Date() > deadline {
                let late = pending[0]
                let probe = late.probes[0]
                throw LabError.hostNotAnswering(
                    host: late.name, address: probe.address, port: probe.port,
                    logTail: (AtomicFile.read(late.log) ?? "").lastLines(10)
                )
            }
            usleep(20_000)
        }
        return pids
    }

    /// How many hosts are probed at once.
    static let probeThreads = 32

    /// Each launch's pid once it has written it and answers on every address (nil: not yet),
    /// probed by up to `probeThreads` threads at once. Probing one host after another, each
    /// probe waiting up to half a second, let a pass over 500 hosts starting together on two
    /// cores outlast the whole deadline, and `lab up 500` failed on a host that was in fact up.
    private static func readyPIDs(_ launches: [Launch]) -> [Int32?] {
        let board = ProbeBoard(count: launches.count)
        let group = DispatchGroup()
        for _ in 0..<min(probeThreads, launches.count) {
            group.enter()
            Thread.detachNewThread {
                while let index = board.claim() { board.record(index, readyPID(launches[index])) }
                group.leave()
            }
        }
        group.wait()
        return board.results
    }

    private static func readyPID(_ launch: Launch) -> Int32? {
        guard let pidText = AtomicFile.read(launch.pidFile),
              let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        guard launch.probes.allSatisfy({ SSHBannerProbe.answers($0.address, port: $0.port, timeout: 0.5) }) else {
            return nil
        }
        return pid
    }

    /// Kills every sshd of `launches` that wrote its pid, after a failed start.
    static func stopStarted(_ launches: [Launch]) {
        let pids = launches.compactMap { launch in
            AtomicFile.read(launch.pidFile).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                .flatMap { ProcessTable.isAlive($0, commandLineContains: launch.config.path) ? $0 : nil }
        }
        ProcessTable.killAll(pids)
    }
}

/// The probe threads' shared work list and results.
private final class ProbeBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int
    private var answers: [Int32?]

    init(count: Int) {
        self.count = count
        answers = Array(repeating: nil, count: count)
    }

    /// The next launch to probe, or nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func record(_ index: Int, _ pid: Int32?) {
        lock.withLock { answers[index] = pid }
    }

    var results: [Int32?] { lock.withLock { answers } }
}
