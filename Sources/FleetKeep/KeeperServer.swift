import Dispatch
import FleetCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The connection keeper: a background `fleet` process that keeps sessions open between runs
/// (like OpenSSH's ControlPersist), so a run started soon after another skips every login.
///
/// It listens on a socket in a folder only its user can enter and serves only processes of
/// that user; it never holds a password or passphrase (a login that needs one is done by the
/// run itself). It exits when no run has used it for its persist time, or on `fleet keeper stop`.
public enum KeeperServer {
    /// The keeper's lock and listening socket: what makes a process the keeper of a folder.
    struct Listening {
        let lock: Int32
        let socket: Int32
    }

    /// Serves until idle or stopped. Returns at once when another keeper already serves `place`.
    public static func serve(place: KeeperPlace, persist: Double) async throws {
        KeeperDetachment.inheritedDescriptors().forEach { close($0) }
        KeeperDetachment.leaveTerminal()
        try place.prepare()
        guard let listening = try listen(place) else { return }
        log("started (pid \(getpid()), persist \(persist)s)")
        await serve(listening, place: place, keeper: Keeper(persist: persist))
    }

    /// Becomes the keeper of `place`: takes its lock and listens on its socket. Nil when
    /// another keeper serves it.
    static func listen(_ place: KeeperPlace) throws -> Listening? {
        guard let lock = try takeLock(place) else { return nil }
        do {
            return Listening(lock: lock, socket: try UnixSocket.listen(at: place.socketPath))
        } catch {
            close(lock)
            throw error
        }
    }

    /// Accepts this user's runs and lends them `keeper`'s sessions until it should exit.
    static func serve(_ listening: Listening, place: KeeperPlace, keeper: Keeper) async {
        let listener = listening.socket
        let accepting = DispatchSource.makeReadSource(fileDescriptor: listener, queue: DispatchQueue(label: "fleet.keeper.accept"))
        accepting.setEventHandler {
            while let client = UnixSocket.accept(listener) {
                guard UnixSocket.peerUser(client) == geteuid() else {
                    close(client)
                    continue
                }
                Task { await KeeperClientSession(descriptor: client, keeper: keeper).serve() }
            }
        }
        accepting.resume()
        while await !keeper.shouldExit {
            try? await Task.sleep(nanoseconds: 250_000_000)
            await keeper.pool.closeIdle(longerThan: await keeper.persist)
        }
        // The socket goes first and the lock next, so that a run arriving now starts a new
        // keeper at once instead of finding this one closing.
        accepting.cancel()
        unlink(place.socketPath)
        close(listener)
        close(listening.lock)
        await keeper.pool.closeAll()
        log(await keeper.stopRequested ? "stopped on request" : "stopped after \(await keeper.persist)s unused")
    }

    /// The keeper's lock: one keeper per folder. A keeper still closing its sessions holds it
    /// only briefly; when another one answers on the socket, this one is not needed.
    private static func takeLock(_ place: KeeperPlace) throws -> Int32? {
        let lock = open(place.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw KeeperPlace.Unsafe(description: "cannot open \(place.lockPath): \(String(cString: strerror(errno)))") }
        for _ in 0..<200 {
            if flock(lock, LOCK_EX | LOCK_NB) == 0 { return lock }
            if let other = try? UnixSocket.connect(to: place.socketPath) {
                close(other)
                break
            }
            usleep(25_000)
        }
        close(lock)
        return nil
    }

    static func log(_ line: String) {
        let stamp = EventTime.seconds(Date())
        FileHandle.standardError.write(Data("\(stamp) keeper: \(line)\n".utf8))
    }
}
