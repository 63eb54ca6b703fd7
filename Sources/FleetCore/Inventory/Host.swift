/// One machine fleet connects to, with everything the inventory says about it resolved.
///
/// Connection values (address, port, user, key, ...) are fields rather than variables so the
/// transport never has to know whether they came from native keys (`address`, `port`) or from
/// Ansible variables (`ansible_host`, `ansible_port`); the remaining variables are in `vars`.
public struct Host: Sendable, Hashable {
    /// The inventory name, used in patterns, output and state.
    public let name: String
    /// Where to connect: `address` / `ansible_host`; the name when neither is given.
    public var address: String
    /// SSH port: `port` / `ansible_port` / `host:port`; 22 when not given.
    public var port: Int
    /// Login user: `user` / `ansible_user`; nil means the current user.
    public var user: String?
    /// Private key file (`key` / `ansible_ssh_private_key_file`), `~` expanded and relative
    /// paths resolved against the inventory's folder.
    public var keyPath: String?
    /// Whether commands run through sudo (`become` / `ansible_become`).
    public var become: Bool
    /// An extra known_hosts file (`known_hosts`), resolved like `keyPath`.
    public var knownHostsPath: String?
    /// `host_key_checking`: "strict" or "accept-new"; nil means the default (strict).
    public var hostKeyPolicy: String?
    /// Seconds to wait for the TCP connection and handshake (`connect_timeout` /
    /// `ansible_ssh_timeout`); nil means the transport's default.
    public var connectTimeout: Double?
    /// Every group the host is in, directly or through children, in inventory order, without "all".
    public var groups: [String]
    /// Inventory variables after precedence: all, then groups (parents before children), then host.
    public var vars: [String: VariableValue]

    public init(
        name: String, address: String? = nil, port: Int = 22, user: String? = nil,
        keyPath: String? = nil, become: Bool = false, knownHostsPath: String? = nil,
        hostKeyPolicy: String? = nil, connectTimeout: Double? = nil,
        groups: [String] = [], vars: [String: VariableValue] = [:]
    ) {
        self.name = name
        self.address = address ?? name
        self.port = port
        self.user = user
        self.keyPath = keyPath
        self.become = become
        self.knownHostsPath = knownHostsPath
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.groups = groups
        self.vars = vars
    }
}
