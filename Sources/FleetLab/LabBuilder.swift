import Foundation

/// Brings a lab to the wanted size and takes it down; `Lab` holds the lock around it.
///
/// `up` works in phases, each one batched over all hosts that need it: decide which hosts
/// stay, clear away the rest, make keys, make namespaces, start sshd, wait, write the files.
struct LabBuilder {
    let lab: Lab
    private var asRoot: Bool { Lab.runsAsRoot }
    private var mode: LabState.Mode { asRoot ? .namespaces : .loopback }

    func up(count: Int) throws -> [LabHost] {
        let trace = PhaseTrace()
        var state = LabState.load(from: lab.statePath)
        if let existing = state, existing.mode != mode || existing.id != lab.id {
            try down()
            state = nil
        }
        if state == nil && asRoot {
            // Leftovers of an `up` that died before saving its state would hold the subnet.
            let leftovers = NamespaceNetwork(layout: LabLayout(id: lab.id, block: 0))
            try stop([], extraIndexes: leftovers.existingHostIndexes(), network: leftovers)
            try leftovers.removeBridge()
        }
        let current = try state ?? LabState(id: lab.id, mode: mode, block: allocateBlock(), hosts: [])
        let layout = LabLayout(id: current.id, block: current.block)
        let network = NamespaceNetwork(layout: layout)
        let ipv6 = asRoot && NamespaceNetwork.ipv6Available

        var password: String?
        if asRoot {
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            password = try LabAccounts.ensure()
            try network.ensureBridge(ipv6: ipv6)
        }
        try HostKeys.generateMissing([(lab.keyPath, "fleet-lab-client")])
        try AtomicFile.write(try HostKeys.publicKey(at: lab.keyPath) + " fleet-lab\n", to: lab.authorizedKeysPath)

        let kept = current.hosts.filter { $0.index < count && isHealthy($0) }
        let keptIndexes = Set(kept.map(\.index))
        let leftovers = asRoot ? network.existingHostIndexes() : []
        try stop(current.hosts.filter { !keptIndexes.contains($0.index) },
                 extraIndexes: leftovers.filter { !keptIndexes.contains($0) }, network: network)

        trace.mark("checked \(current.hosts.count) hosts, kept \(kept.count)")
        let created = (0..<count).filter { !keptIndexes.contains($0) }.map { host(index: $0, layout: layout, ipv6: ipv6) }
        try HostKeys.generateMissing(created.map { (hostKey($0.name), "\($0.name) fleet-lab host key") })
        trace.mark("host keys")
        if asRoot { try network.createHosts(created.map { index(of: $0) }, ipv6: ipv6) }
        trace.mark("namespaces")
        let launches = try created.map { try prepare($0, layout: layout) }
        try SSHDLauncher.start(launches)
        trace.mark("sshd started")
        let pids: [String: Int32]
        do {
            pids = try SSHDLauncher.waitUntilReady(
                launches, deadline: Date().addingTimeInterval(15 + Double(launches.count) * 0.1))
        } catch {
            // Unrecorded sshds would hold their ports (loopback) until someone found them.
            SSHDLauncher.stopStarted(launches)
            throw error
        }

        trace.mark("sshd answering")
        var next = current
        next.hosts = (kept + created.map { LabState.Host(index: index(of: $0), host: $0, pid: pids[$0.name] ?? 0) })
            .sorted { $0.index < $1.index }
        try writeClientFiles(next, password: password, layout: layout)
        try next.save(to: lab.statePath)
        return next.hosts.map(\.host)
    }

    func down() throws {
        let state = LabState.load(from: lab.statePath)
        if asRoot {
            let layout = LabLayout(id: state?.id ?? lab.id, block: state?.block ?? 0)
            let network = NamespaceNetwork(layout: layout)
            try stop(state?.hosts ?? [], extraIndexes: network.existingHostIndexes(), network: network)
            try network.removeBridge()
            if !network.otherLabsExist() { LabAccounts.removeSudoers() }
        } else {
            try stop(state?.hosts ?? [], extraIndexes: [], network: nil)
        }
        for path in [lab.statePath, lab.knownHostsPath, lab.inventoryPath, lab.passwordPath, lab.authorizedKeysPath,
                     lab.keyPath, URL(fileURLWithPath: lab.keyPath.path + ".pub"), lab.hostsDirectory] {
            try? FileManager.default.removeItem(at: path)
        }
    }

    // MARK: Phases

    private func allocateBlock() throws -> Int {
        guard asRoot else { return LabLayout.preferredBlock(for: lab.id) }
        guard let block = LabLayout.freeBlock(for: lab.id, avoiding: try NamespaceNetwork.routeDestinations()) else {
            throw LabError.noFreeSubnet
        }
        return block
    }

    private func isHealthy(_ record: LabState.Host) -> Bool {
        let config = configPath(record.host.name).path
        return ProcessTable.isAlive(record.pid, commandLineContains: config)
            && SSHBannerProbe.answers(record.host.address, port: record.host.port, timeout: 1)
    }

    /// Kills the given hosts' sshd with everything they started, and removes their namespaces.
    ///
    /// In a namespace lab everything inside the namespace goes (sessions, and daemons a
    /// playbook started there), so nothing stays reachable; on loopback, the sshd's session.
    private func stop(_ hosts: [LabState.Host], extraIndexes: [Int], network: NamespaceNetwork?) throws {
        let sshds = hosts.filter { ProcessTable.isAlive($0.pid, commandLineContains: configPath($0.host.name).path) }.map(\.pid)
        var victims = sshds + ProcessTable.pids(inSessions: Set(sshds))
        guard let network else { return ProcessTable.killAll(victims) }
        let indexes = Array(Set(hosts.map(\.index) + extraIndexes)).sorted()
        victims += ProcessTable.pids(inNetworkNamespaces: indexes.map { "/run/netns/\(network.layout.namespace($0))" })
        ProcessTable.killAll(victims)
        try network.removeHosts(indexes)
        for index in indexes {
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(network.layout.namespace(index))")
        }
    }

    private func host(index: Int, layout: LabLayout, ipv6: Bool) -> LabHost {
        let name = LabLayout.hostName(index)
        if asRoot {
            return LabHost(name: name, address: layout.hostAddress(index),
                           address6: ipv6 ? layout.hostAddress6(index) : nil, port: 22, user: lab.user)
        }
        return LabHost(name: name, address: "127.0.0.1", address6: nil, port: layout.loopbackPort(index), user: lab.user)
    }

    private func index(of host: LabHost) -> Int {
        host.name == "lab-master" ? 0 : Int(host.name.dropFirst("lab-node".count)) ?? 0
    }

    /// Writes the host's sshd config (and, in a namespace, its /etc/hosts) and describes its launch.
    private func prepare(_ host: LabHost, layout: LabLayout) throws -> SSHDLauncher.Launch {
        let directory = lab.hostDirectory(host.name)
        var listen = ["\(host.address):\(host.port)"]
        if let address6 = host.address6 { listen.append("[\(address6)]:\(host.port)") }
        let config = SSHDConfig(
            listen: listen, hostKey: hostKey(host.name), pidFile: directory.appendingPathComponent("sshd.pid"),
            authorizedKeys: lab.authorizedKeysPath,
            allowUsers: asRoot ? [LabAccounts.keyUser, LabAccounts.passwordUser, "root"] : [lab.user],
            asRoot: asRoot)
        try AtomicFile.write(config.text, to: configPath(host.name))
        let namespace = asRoot ? layout.namespace(index(of: host)) : nil
        if let namespace {
            // `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts, so the host
            // resolves its own name (sudo warns otherwise) and the lab's master.
            let hosts = "127.0.0.1 localhost\n::1 localhost\n\(host.address) \(host.name)\n"
                + (host.name == "lab-master" ? "" : "\(layout.hostAddress(0)) lab-master\n")
            try AtomicFile.write(hosts, to: URL(fileURLWithPath: "/etc/netns/\(namespace)/hosts"))
        }
        var probes = [(host.address, host.port)]
        if let address6 = host.address6 { probes.append((address6, host.port)) }
        return SSHDLauncher.Launch(
            name: host.name, namespace: namespace, config: configPath(host.name),
            pidFile: config.pidFile, log: directory.appendingPathComponent("sshd.log"), probes: probes)
    }

    private func writeClientFiles(_ state: LabState, password: String?, layout: LabLayout) throws {
        let entries = try state.hosts.map { ($0.host, try HostKeys.publicKey(at: hostKey($0.host.name))) }
        try AtomicFile.write(LabFiles.knownHosts(entries), to: lab.knownHostsPath)
        try AtomicFile.write(
            LabFiles.inventory(state.hosts.map(\.host), user: lab.user, key: lab.keyPath, knownHosts: lab.knownHostsPath),
            to: lab.inventoryPath)
        if let password { try AtomicFile.write(password + "\n", to: lab.passwordPath, mode: 0o600) }
    }

    private func configPath(_ name: String) -> URL { lab.hostDirectory(name).appendingPathComponent("sshd_config") }
    private func hostKey(_ name: String) -> URL { lab.hostDirectory(name).appendingPathComponent("ssh_host_ed25519_key") }
}
