import CLibSSH2
import Foundation

/// One key line of an OpenSSH known_hosts file.
struct KnownHostEntry {
    enum Marker { case none, revoked, certAuthority }
    var marker: Marker
    /// The host field as written.
    let patterns: String
    var keyType: String
    var key: [UInt8]
    var file: String
    var line: Int
    /// `patterns` taken apart once: every connection checks every line of the file.
    private let hostPatterns: HostPatterns

    init(marker: Marker, patterns: String, keyType: String, key: [UInt8], file: String, line: Int) {
        self.marker = marker
        self.patterns = patterns
        self.keyType = keyType
        self.key = key
        self.file = file
        self.line = line
        hostPatterns = HostPatterns(patterns)
    }

    /// Whether this entry applies to `name` (`host` or `[host]:port`): hashed `|1|salt|hash`
    /// entries by salted HMAC-SHA1, plain ones by OpenSSH's comma list with `*`/`?` and `!`.
    func matches(_ name: String) -> Bool {
        hostPatterns.matches(name)
    }

    /// The names this entry is for when it is a plain list (no hash, wildcard or `!`), so a
    /// file can be indexed by name; nil when it must be matched name by name.
    var plainNames: Set<String>? {
        guard case .list(let allowed, let negated) = hostPatterns, allowed.wildcards.isEmpty,
              negated.names.isEmpty, negated.wildcards.isEmpty else { return nil }
        return allowed.names
    }
}

/// The host field of a known_hosts line, ready to match: a hashed name's salt and digest
/// decoded, or the comma list lower-cased and split into allowed and negated patterns.
private enum HostPatterns {
    case hashed(salt: [UInt8], digest: [UInt8])
    case list(allowed: PatternSet, negated: PatternSet)
    case unusable

    init(_ field: String) {
        if field.hasPrefix("|1|") {
            let parts = field.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                  let digest = Data(base64Encoded: String(parts[3])) else {
                self = .unusable
                return
            }
            self = .hashed(salt: Array(salt), digest: Array(digest))
            return
        }
        var allowed = PatternSet(), negated = PatternSet()
        for pattern in field.lowercased().split(separator: ",") {
            if pattern.hasPrefix("!") { negated.insert(pattern.dropFirst()) } else { allowed.insert(pattern) }
        }
        self = .list(allowed: allowed, negated: negated)
    }

    func matches(_ name: String) -> Bool {
        switch self {
        case .unusable:
            return false
        case .hashed(let salt, let digest):
            var computed = [UInt8](repeating: 0, count: 20)
            let nameBytes = Array(name.utf8)
            let ok = clibssh2_hmac_sha1(salt, Int32(salt.count), nameBytes, nameBytes.count, &computed)
            return ok != 0 && computed == digest
        case .list(let allowed, let negated):
            let lowered = name.lowercased()
            return !negated.matches(lowered) && allowed.matches(lowered)
        }
    }

    /// Plain names looked up, wildcard patterns matched one by one.
    struct PatternSet {
        var names: Set<String> = []
        var wildcards: [String] = []

        mutating func insert(_ pattern: Substring) {
            if pattern.contains(where: { $0 == "*" || $0 == "?" }) { wildcards.append(String(pattern)) } else { names.insert(String(pattern)) }
        }

        func matches(_ name: String) -> Bool {
            names.contains(name) || wildcards.contains { globMatch($0, name) }
        }
    }
}

/// Parses known_hosts files in Swift: libssh2's own reader stops at the first line it
/// does not understand and knows nothing of `@revoked`.
enum KnownHostsFile {
    /// The entries of the file that apply to `name` (`host` or `[host]:port`), in file order.
    /// Plain names are looked up in an index rather than matched line by line: with a
    /// known_hosts of hundreds of lab hosts, every connection matching every line twice was
    /// a twentieth of a 200-host run's CPU.
    static func entries(in path: String, matching name: String) -> [KnownHostEntry] {
        let file = indexed(path)
        let positions = (file.byName[name.lowercased()] ?? []) + file.matchedOneByOne.filter { file.entries[$0].matches(name) }
        return positions.sorted().map { file.entries[$0] }
    }

    /// One version of a file: its entries, and where each plain name occurs.
    private struct IndexedFile {
        var entries: [KnownHostEntry]
        /// Lower-cased name → positions in `entries` of plain entries for it.
        var byName: [String: [Int]] = [:]
        /// Positions of hashed entries and of those with wildcards or negations.
        var matchedOneByOne: [Int] = []

        init(_ entries: [KnownHostEntry]) {
            self.entries = entries
            for (position, entry) in entries.enumerated() {
                guard let names = entry.plainNames else {
                    matchedOneByOne.append(position)
                    continue
                }
                for name in names { byName[name, default: []].append(position) }
            }
        }
    }

    /// The file parsed and indexed once per version (size and modification time) for the
    /// whole process: with hundreds of hosts connecting at once, reading and splitting a
    /// large known_hosts per host dominated the connect phase.
    /// Parsed under the lock, so the first fifty connections of a run wait for one parse
    /// instead of each making its own.
    private static func indexed(_ path: String) -> IndexedFile {
        let version = FileVersion(path)
        return cacheLock.withLock {
            if let cached = cache[path], cached.version == version { return cached.file }
            let file = IndexedFile(parse(path))
            cache[path] = (version, file)
            return file
        }
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: (version: FileVersion, file: IndexedFile)] = [:]

    /// What tells one version of a file from the next: `stat` alone (Foundation's
    /// `attributesOfItem` also looks up the owner's name, for every connection).
    private struct FileVersion: Equatable {
        var device: UInt64 = 0, inode: UInt64 = 0, size: Int64 = -1, seconds = 0, nanoseconds = 0

        init(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
        }
    }

    private static func parse(_ path: String) -> [KnownHostEntry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var result: [KnownHostEntry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var marker = KnownHostEntry.Marker.none
            if first == "@revoked" { marker = .revoked; fields.removeFirst() }
            else if first == "@cert-authority" { marker = .certAuthority; fields.removeFirst() }
            else if first.hasPrefix("@") { continue }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            result.append(KnownHostEntry(marker: marker, patterns: fields[0], keyType: fields[1],
                                         key: Array(key), file: path, line: index + 1))
        }
        return result
    }

    /// Appends `line` to `path` (creating it 0600 and its folder 0700), one writer at a time
    /// so parallel first connections do not interleave lines.
    static func append(_ line: String, to path: String) throws {
        appendLock.lock()
        defer { appendLock.unlock() }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SSHError.connectionLost(reason: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private static let appendLock = NSLock()
}

/// OpenSSH's host pattern matching: only `*` and `?` are special (not `[`, which
/// `[host]:port` names contain).
func globMatch(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
    var pi = 0, ti = 0, starP = -1, starT = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
            pi += 1; ti += 1
        } else if pi < p.count && p[pi] == "*" {
            starP = pi; starT = ti; pi += 1
        } else if starP >= 0 {
            pi = starP + 1; starT += 1; ti = starT
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
}
