import FleetConnect
import Foundation

/// The keeper's sessions, each lent to one run at a time.
///
/// One borrower per session because a run promises each host's commands in order (what was
/// sent ahead to the task runner is asked for next); two runs on one runner would break that.
/// A run that needs a host whose sessions are all lent gets a new session, kept afterwards too.
actor HostPool {
    /// Sessions are shared only between runs that would have opened the same one.
    struct Key: Hashable {
        var address: String
        var port: Int
        var user: String
        var options: WireOptions

        init(_ target: WireTarget, _ options: WireOptions) {
            address = target.address
            port = target.port
            user = target.user
            self.options = options
        }
    }

    final class Entry: @unchecked Sendable {
        let host: KeptHost
        let key: Key
        let name: String
        let opened = Date()
        var lastUsed = Date()
        var lent = true

        init(host: KeptHost, key: Key, name: String) {
            self.host = host
            self.key = key
            self.name = name
        }
    }

    private var entries: [Entry] = []

    /// A live session for `target`: a kept one when free, else a new login.
    func borrow(_ target: WireTarget, _ options: WireOptions) async throws -> (entry: Entry, reused: Bool) {
        let key = Key(target, options)
        while let free = entries.first(where: { $0.key == key && !$0.lent }) {
            free.lent = true  // before the await below, so no other borrower takes it meanwhile
            if await free.host.isAlive { return (free, true) }
            await discard(free)
        }
        let host = try await KeptHost.connect(to: target.target, options: options.options)
        let entry = Entry(host: host, key: key, name: target.displayName)
        entries.append(entry)
        return (entry, false)
    }

    /// Takes in a session the keeper's own run opened (see `FirstRunHandover`), free to lend.
    func adopt(_ host: KeptHost) {
        let entry = Entry(host: host, key: Key(WireTarget(host.target), WireOptions(host.options)), name: host.target.displayName)
        entry.lent = false
        entries.append(entry)
    }

    /// Takes a session back; a dead one is closed instead.
    func giveBack(_ entry: Entry) async {
        entry.lent = false
        entry.lastUsed = Date()
        if await !entry.host.isAlive { await discard(entry) }
    }

    /// Closes sessions nobody borrowed for `seconds`.
    func closeIdle(longerThan seconds: Double) async {
        let now = Date()
        for entry in entries where !entry.lent && now.timeIntervalSince(entry.lastUsed) > seconds {
            await discard(entry)
        }
    }

    func closeAll() async {
        let all = entries
        entries.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for entry in all { group.addTask { await entry.host.close() } }
        }
    }

    func status() async -> [KeeperStatus.Entry] {
        let now = Date()
        var rows: [KeeperStatus.Entry] = []
        for entry in entries {
            rows.append(KeeperStatus.Entry(
                host: "\(entry.key.user)@\(entry.key.address):\(entry.key.port)", name: entry.name, lent: entry.lent,
                runner: await entry.host.hasRunner, ageSeconds: now.timeIntervalSince(entry.opened),
                idleSeconds: entry.lent ? 0 : now.timeIntervalSince(entry.lastUsed)))
        }
        return rows
    }

    private func discard(_ entry: Entry) async {
        entries.removeAll { $0 === entry }
        await entry.host.close()
    }
}
