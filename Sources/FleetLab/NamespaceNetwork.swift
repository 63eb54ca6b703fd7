import Foundation

/// The kernel side of a root lab: a bridge with the lab's subnet, and per host a network
/// namespace joined to it by a veth pair.
///
/// The bridge carries only lab traffic: it has no uplink port, no NAT rule is added, and the
/// namespaces get no default route, so lab hosts reach each other and this machine only.
/// Work is batched through `ip -batch` (one process for all hosts' links) because spawning
/// `ip` per link dominates the time of a 500-host lab.
struct NamespaceNetwork {
    let layout: LabLayout

    /// IPv6 is optional: some machines and containers boot with it disabled.
    static var ipv6Available: Bool {
        AtomicFile.read(URL(fileURLWithPath: "/proc/sys/net/ipv6/conf/default/disable_ipv6"))?
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }

    /// Destinations of this machine's IPv4 routes, to keep a new lab's subnet off them.
    static func routeDestinations() throws -> [String] {
        try ExternalCommand.run("ip", ["-4", "route", "show", "table", "all"])
            .split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard let first = words.first else { return nil }
                // Local-table lines start with a type ("local 10.0.0.1 dev ...").
                let types: Set<Substring> = ["local", "broadcast", "unicast", "multicast", "unreachable", "blackhole", "prohibit"]
                return types.contains(first) && words.count > 1 ? String(words[1]) : String(first)
            }
    }

    /// Names of network namespaces that exist now.
    static func existingNamespaces() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [])
    }

    static func linkExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }

    /// Creates the bridge if needed and (re)applies its addresses and the unreachable neighbour.
    func ensureBridge(ipv6: Bool) throws {
        let bridge = layout.bridge
        var commands: [String] = []
        if !Self.linkExists(bridge) {
            commands.append("link add name \(bridge) type bridge forward_delay 0 stp_state 0")
        }
        // With multicast snooping the bridge forwards IPv6 neighbour solicitations only to
        // ports whose MLD report it has seen; a fresh namespace may not have sent one yet.
        commands.append("link set dev \(bridge) type bridge mcast_snooping 0")
        commands.append("addr replace \(layout.bridgeAddress)/\(LabLayout.prefixLength) dev \(bridge)")
        if ipv6 { commands.append("addr replace \(layout.bridgeAddress6)/64 dev \(bridge) nodad") }
        commands.append("link set \(bridge) up")
        // A permanent neighbour entry for an address no host has: packets to it are sent to a
        // MAC no port owns and vanish, so a TCP connect hangs until the client gives up.
        commands.append("neigh replace \(layout.unreachableAddress) lladdr 02:00:5e:fe:ed:01 dev \(bridge) nud permanent")
        try batch(commands)
    }

    /// Creates namespace, veth and addresses for each host index, with loopback up.
    func createHosts(_ indexes: [Int], ipv6: Bool) throws {
        guard !indexes.isEmpty else { return }
        var outside: [String] = []
        for index in indexes {
            let namespace = layout.namespace(index), veth = layout.veth(index)
            outside += [
                "netns add \(namespace)",
                "link add name \(veth) type veth peer name eth0 address \(layout.hostMAC(index)) netns \(namespace)",
                "link set \(veth) master \(layout.bridge) up",
            ]
        }
        try batch(outside)
        // Addresses inside a namespace need `ip -n`, which batch lines cannot carry; one
        // shell runs them all, each with its own small batch on stdin.
        var script = ""
        for index in indexes {
            var inside = [
                "link set lo up",
                "addr add \(layout.hostAddress(index))/\(LabLayout.prefixLength) dev eth0",
            ]
            if ipv6 { inside.append("addr add \(layout.hostAddress6(index))/64 dev eth0 nodad") }
            inside.append("link set eth0 up")
            script += "ip -n \(layout.namespace(index)) -batch - <<'EOF'\n" + inside.joined(separator: "\n") + "\nEOF\n"
        }
        try ExternalCommand.runScript(script)
    }

    /// Deletes the namespaces of these host indexes and waits for their veths to go.
    ///
    /// Deleting a veth directly costs a kernel RCU grace period each (about 16 ms, 8 s for a
    /// 500-host lab); a namespace whose processes are gone is instead torn down by the kernel
    /// in one batch, taking its veth pair with it. Veths still there after the wait are
    /// deleted one by one.
    func removeHosts(_ indexes: [Int]) throws {
        let namespaces = Self.existingNamespaces()
        try batch(indexes.map { layout.namespace($0) }.filter(namespaces.contains).map { "netns del \($0)" })
        let deadline = Date().addingTimeInterval(5)
        var remaining = indexes.map { layout.veth($0) }.filter(Self.linkExists)
        while !remaining.isEmpty && Date() < deadline {
            usleep(20_000)
            remaining = remaining.filter(Self.linkExists)
        }
        try? batch(remaining.map { "link del \($0)" })
    }

    /// Every namespace of this lab that exists, by index, including leftovers of a crashed run.
    func existingHostIndexes() -> [Int] {
        Self.existingNamespaces().compactMap { name in
            name.hasPrefix(layout.namespacePrefix) ? Int(name.dropFirst(layout.namespacePrefix.count)) : nil
        }.sorted()
    }

    func removeBridge() throws {
        if Self.linkExists(layout.bridge) { try batch(["link del \(layout.bridge)"]) }
    }

    /// True when another lab's bridge exists, so shared things (sudoers) must stay.
    func otherLabsExist() -> Bool {
        let links = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        return links.contains { $0.hasPrefix("flb") && $0 != layout.bridge && $0.count == layout.bridge.count }
    }

    private func batch(_ commands: [String]) throws {
        guard !commands.isEmpty else { return }
        try ExternalCommand.run("ip", ["-batch", "-"], input: commands.joined(separator: "\n") + "\n")
    }
}
