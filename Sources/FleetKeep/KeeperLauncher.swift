import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds this user's keeper, or starts one, and says hello.
enum KeeperLauncher {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Secrets a run may hold in its environment: the keeper never gets them.
    static let secretVariables = ["FLEET_PASSWORD", "FLEET_KEY_PASSPHRASE", "FLEET_BECOME_PASSWORD"]

    /// A link to a keeper of this very build, started when none answers. A keeper of another
    /// build (fleet was rebuilt or upgraded) is stopped and replaced.
    static func link(place: KeeperPlace, persist: Double) async throws -> KeeperLink {
        try place.prepare()
        var started = false
        for _ in 0..<3 {
            var descriptor = try UnixSocket.connect(to: place.socketPath)
            if descriptor == nil && !started {
                try start(place: place, persist: persist)
                started = true
            }
            if descriptor == nil { descriptor = try await waitForSocket(place) }
            guard let descriptor else { break }
            let link = KeeperLink(descriptor: descriptor)
            let hello = try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: KeeperBuild.current,
                                                   persist: persist))
            switch hello {
            case .ready:
                return link
            case .otherBuild:
                _ = try? await link.call(.stop)
                link.close()
                try await waitForExit(place)
                started = false
            default:
                link.close()
                throw Unavailable(description: "the keeper at \(place.socketPath) gave an unexpected answer")
            }
        }
        throw Unavailable(description: "no keeper answered on \(place.socketPath) (see \(place.logPath))")
    }

    /// A link to a keeper already running, for `fleet keeper status` and `stop`; nil if none.
    static func existing(place: KeeperPlace) async throws -> KeeperLink? {
        guard let descriptor = try UnixSocket.connect(to: place.socketPath) else { return nil }
        let link = KeeperLink(descriptor: descriptor)
        let hello = try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: KeeperBuild.current, persist: nil))
        switch hello {
        case .ready, .otherBuild: return link
        default: return nil
        }
    }

    /// Starts `fleet keeper serve` in the background, in a session of its own (Ctrl-C in the
    /// terminal does not reach it), writing to its log, without the run's secrets.
    ///
    /// `posix_spawn` rather than Foundation's `Process`, which took 21 ms (under strace) to get there on
    /// every first run. The signal mask and dispositions are reset, as for the lab's sshds. Nothing
    /// waits for the keeper: it outlives the run.
    private static func start(place: KeeperPlace, persist: Double) throws {
        let logFD = open(place.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard logFD >= 0 else { throw Unavailable(description: "cannot open \(place.logPath): \(String(cString: strerror(errno)))") }
        defer { close(logFD) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t(), defaults = sigset_t()
        sigemptyset(&emptyMask)
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | spawnSetSID))

        let path = executablePath()
        let arguments = [path, "keeper", "serve", "--dir", place.folder, "--persist", String(persist)]
        let environment = ProcessInfo.processInfo.environment
            .filter { !secretVariables.contains($0.key) }
            .map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw Unavailable(description: "cannot start the keeper (\(path)): \(String(cString: strerror(spawned)))")
        }
    }

    /// glibc's `POSIX_SPAWN_SETSID`, which its header shows only to C built with `_GNU_SOURCE`.
    private static let spawnSetSID: Int32 = 0x80

    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// A keeper listens about 10 ms after it is started, so the socket is tried every 2 ms
    /// (a failed connect is one cheap system call), for up to 5 seconds.
    private static func waitForSocket(_ place: KeeperPlace) async throws -> Int32? {
        for _ in 0..<2500 {
            if let descriptor = try UnixSocket.connect(to: place.socketPath) { return descriptor }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        return nil
    }

    /// Waits until the stopped keeper's socket is gone (it unlinks it first thing when it stops).
    private static func waitForExit(_ place: KeeperPlace) async throws {
        for _ in 0..<250 {
            if access(place.socketPath, F_OK) != 0 { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
