import Foundation

/// Starts each lab host's `sshd -D` detached, and waits until all of them answer.
///
/// sshd runs under `setsid -f`, so it is not a child of fleet: it outlives the fleet process
/// (the lab stays up between commands) and never becomes fleet's zombie. Its pid comes from
/// its own PidFile. In a namespace lab it runs under `ip netns exec` (network and the host's
/// /etc/hosts) and `unshare --uts` with the host's hostname set just before sshd starts.
enum SSHDLauncher {
    struct Launch {
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
            pending.removeAll { launch in
                guard let pidText = AtomicFile.read(launch.pidFile),
                      let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
                guard launch.probes.allSatisfy({ SSHBannerProbe.answers($0.address, port: $0.port, timeout: 0.5) }) else {
                    return false
                }
                pids[launch.name] = pid
                return true
            }
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
}
