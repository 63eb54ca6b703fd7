import Foundation

/// Names and addresses of one lab, all derived from its directory and subnet block.
///
/// Several labs can run side by side (a user's demo lab and the test suite's lab), so every
/// kernel object is named after a short id hashed from the lab directory's absolute path, and
/// every lab gets its own /22 out of 10.213.0.0/16 (and a matching IPv6 /64). Interface names
/// must fit the kernel's 15 characters: `flb` + 6-hex id for the bridge, `fl` + id + `h` + index
/// for a host's veth.
struct LabLayout: Sendable, Equatable {
    /// Linux bridges accept at most 1024 ports; the /22 leaves room for 1000 hosts.
    static let maxHosts = 1000
    /// Number of /22 blocks in 10.213.0.0/16.
    static let blockCount = 64
    /// Offset of the first host inside the block (.1 is the bridge, .2 the unreachable address).
    static let firstHostOffset = 10

    let id: String
    let block: Int

    init(id: String, block: Int) {
        self.id = id
        self.block = block
    }

    /// The id for a lab directory: 6 hex digits of FNV-1a over its standardized absolute path.
    static func id(for directory: URL) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.standardizedFileURL.path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(String(hash, radix: 16).suffix(6)).leftPadded(to: 6)
    }

    /// The block this id tries first; later ones are probed in order when it overlaps a route.
    static func preferredBlock(for id: String) -> Int {
        Int(id, radix: 16).map { $0 % blockCount } ?? 0
    }

    var bridge: String { "flb\(id)" }
    func veth(_ index: Int) -> String { "fl\(id)h\(index)" }
    func namespace(_ index: Int) -> String { "fleet-\(id)-\(index)" }
    /// Prefix all lab namespaces share, to find leftovers of a crashed run.
    var namespacePrefix: String { "fleet-\(id)-" }

    static func hostName(_ index: Int) -> String { index == 0 ? "lab-master" : "lab-node\(index)" }

    // MARK: IPv4: 10.213.(block*4 + offset/256).(offset%256)/22

    static let prefixLength = 22
    func ipv4(offset: Int) -> String { "10.213.\(block * 4 + offset / 256).\(offset % 256)" }
    var subnet: String { "\(ipv4(offset: 0))/\(Self.prefixLength)" }
    var bridgeAddress: String { ipv4(offset: 1) }
    var unreachableAddress: String { ipv4(offset: 2) }
    func hostAddress(_ index: Int) -> String { ipv4(offset: Self.firstHostOffset + index) }

    /// A fixed, locally administered MAC per host: a host recreated after its sshd died comes
    /// back with the same MAC, so the machine's neighbour cache still points at it (with a
    /// fresh random MAC, connects would stall until that entry expired).
    func hostMAC(_ index: Int) -> String {
        let bytes = [0x02] + stride(from: 0, to: 6, by: 2).map { Int(id.dropFirst($0).prefix(2), radix: 16) ?? 0 }
            + [index >> 8 & 0xff, index & 0xff]
        return bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    // MARK: IPv6 (ULA): fd66:6c65:6574:<block>::<offset in hex>/64

    var ipv6Prefix: String { "fd66:6c65:6574:\(String(block, radix: 16))::" }
    var bridgeAddress6: String { ipv6Prefix + "1" }
    func hostAddress6(_ index: Int) -> String { ipv6Prefix + String(Self.firstHostOffset + index, radix: 16) }

    // MARK: Loopback labs (not root): one port per host

    /// First port of a loopback lab; blocks of 1000 ports from 20022 keep labs apart.
    var loopbackBasePort: Int { 20022 + (block % 40) * 1000 }
    func loopbackPort(_ index: Int) -> Int { loopbackBasePort + index }
}

extension LabLayout {
    /// The first block, starting from the id's preferred one, whose /22 overlaps none of `routes`.
    ///
    /// - Parameter routes: destinations from `ip -4 route` such as `10.0.0.0/8` or `192.0.2.1`.
    static func freeBlock(for id: String, avoiding routes: [String]) -> Int? {
        let taken = routes.compactMap(IPv4Network.init)
        let start = preferredBlock(for: id)
        for step in 0..<blockCount {
            let block = (start + step) % blockCount
            let candidate = IPv4Network(LabLayout(id: id, block: block).subnet)!
            if !taken.contains(where: { $0.overlaps(candidate) }) { return block }
        }
        return nil
    }
}

/// An IPv4 prefix, just enough to tell whether two routes overlap.
struct IPv4Network: Equatable {
    let base: UInt32
    let length: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        let length = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
        guard (0...32).contains(length) else { return nil }
        let address = octets.reduce(0) { $0 << 8 | $1 }
        self.length = length
        self.base = address & Self.mask(length)
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    /// Two prefixes overlap when they agree on the shorter one's bits.
    func overlaps(_ other: IPv4Network) -> Bool {
        let shorter = Self.mask(min(length, other.length))
        return base & shorter == other.base & shorter
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
