/// One SSH host of a lab, as a client should reach it.
public struct LabHost: Sendable, Equatable, Codable {
    /// Inventory name: `lab-master`, then `lab-node1`, `lab-node2`, ...
    public var name: String
    /// IPv4 address the host's sshd listens on.
    public var address: String
    /// IPv6 (ULA) address of the same sshd, or nil when the machine has IPv6 disabled or the lab runs on loopback.
    public var address6: String?
    /// TCP port of the sshd (22 in namespaces, a distinct loopback port otherwise).
    public var port: Int
    /// Account that the lab's client key logs in to.
    public var user: String

    public init(name: String, address: String, address6: String?, port: Int, user: String) {
        self.name = name
        self.address = address
        self.address6 = address6
        self.port = port
        self.user = user
    }
}

/// A lab host as `status` sees it: where it is and whether its sshd still runs.
public struct LabHostStatus: Sendable, Equatable {
    public var host: LabHost
    /// Process id of the host's sshd as recorded at start-up.
    public var pid: Int32
    /// True when that pid is still an sshd of this lab.
    public var alive: Bool
}

/// An address and port, for tests that need somewhere specific to connect to.
public struct LabEndpoint: Sendable, Equatable {
    public var address: String
    public var port: Int
}
