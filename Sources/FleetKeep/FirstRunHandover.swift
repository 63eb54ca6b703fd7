import CFleetProcess
import FleetConnect
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A first run that becomes the keeper of its own sessions.
///
/// With no keeper running, a run used to start one (`fleet keeper serve`) and send it every
/// login and every task: two processes, each handling every task's request and answer. At
/// 200 hosts that was a third of the run's CPU, on cores the hosts' sshds need too.
///
/// Instead, such a run forks first thing, while it has one thread. The process the user
/// started waits, forwards the signals sent to it alone, and exits with the run's exit code.
/// The child does the run with sessions of its own, as `--persist 0` does; when it is done it
/// lets go of the terminal and the caller's pipes, hands the parent the exit code, and stays
/// in the background as the keeper, lending the sessions (task runners included) to the runs
/// that follow. A run that finds a keeper already serving borrows from it as before.
public enum FirstRunHandover {
    /// What the forked child knows: the pipe to its parent and, once the run is done, what it keeps.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var reportDescriptor: Int32?
        var parentWatch: DispatchSourceRead?
        var inherited: [Int32] = []
        var parked: (hosts: [KeptHost], place: KeeperPlace, persist: Double)?
    }

    private static let state = State()

    /// Forks when this run may keep its sessions itself: no keeper answers at `place`, the
    /// folder is safe to serve from, and the run holds no password (a run that does keeps
    /// nothing, and `KeptTransport` says so when keeping was asked for). Returns true in the
    /// child, false when it did not fork; the parent never returns (it waits and exits).
    ///
    /// Call it first thing in `main`, before anything starts a thread: a fork keeps only the
    /// calling thread, so it is refused when there is more than one.
    public static func splitIfNoKeeper(place: KeeperPlace, environment: [String: String]) -> Bool {
        guard !KeeperLauncher.secretVariables.contains(where: { environment[$0] != nil }),
              fleet_thread_count() == 1, (try? place.prepare()) != nil else { return false }
        if let answering = try? UnixSocket.connect(to: place.socketPath) {
            close(answering)
            return false
        }
        let inherited = KeeperDetachment.inheritedDescriptors()
        var report: Int32 = -1, parentAlive: Int32 = -1
        guard fleet_fork_with_waiting_parent(&report, &parentAlive) == 0 else { return false }
        let watch = watchParent(parentAlive)
        state.lock.withLock {
            state.reportDescriptor = report
            state.inherited = inherited
            state.parentWatch = watch
        }
        return true
    }

    /// A parent killed outright (SIGKILL) cannot pass anything on: the run then stops as on
    /// SIGTERM, rather than go on with nobody waiting for it.
    private static func watchParent(_ descriptor: Int32) -> DispatchSourceRead {
        let watch = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: .global())
        watch.setEventHandler {
            var byte: UInt8 = 0
            if read(descriptor, &byte, 1) <= 0 {
                watch.cancel()
                kill(getpid(), SIGTERM)
            }
        }
        watch.setCancelHandler { close(descriptor) }
        watch.resume()
        return watch
    }

    /// Whether this process is the child of `splitIfNoKeeper`, whose sessions outlive the run.
    public static var isSplit: Bool {
        state.lock.withLock { state.reportDescriptor != nil }
    }

    /// Keeps `hosts` for the end of the command (`HandoverTransport.shutdown()`).
    static func park(_ hosts: [KeptHost], place: KeeperPlace, persist: Double) {
        state.lock.withLock { state.parked = (hosts, place, persist) }
    }

    /// The end of the command, with its exit code. When the run parked sessions and this
    /// process can become the keeper, it lets go of the caller (stdio, inherited descriptors,
    /// terminal), hands the waiting parent `exitCode` and serves until idle, then exits.
    /// Otherwise it closes what was parked and returns, and the process ends as usual (the
    /// parent exits with its status).
    public static func finish(exitCode: Int32) async {
        let (report, inherited, parked, watch) = state.lock.withLock {
            defer { state.parked = nil }
            return (state.reportDescriptor, state.inherited, state.parked, state.parentWatch)
        }
        // A run that never connected (its playbook was refused, say) has nothing to keep.
        guard let report, let parked, !parked.hosts.isEmpty else { return }
        let listening: KeeperServer.Listening?
        do {
            try parked.place.prepare()
            listening = try KeeperServer.listen(parked.place)
        } catch {
            FileHandle.standardError.write(Data("fleet: connections not kept: \(error)\n".utf8))
            listening = nil
        }
        guard let listening else {
            // Another keeper serves the folder now (a run started alongside): it keeps its own.
            await withTaskGroup(of: Void.self) { group in
                for host in parked.hosts { group.addTask { await host.close() } }
            }
            return
        }
        watch?.cancel()
        letGoOfTheCaller(log: parked.place.logPath, inherited: inherited)
        retitle(as: [CommandLine.arguments.first ?? "fleet", "keeper", "serve", "--dir", parked.place.folder])
        let keeper = Keeper(persist: parked.persist)
        for host in parked.hosts { await keeper.pool.adopt(host) }
        KeeperServer.log("started (pid \(getpid()), persist \(parked.persist)s) by its run, with \(parked.hosts.count) session(s)")
        // Last, so that whoever waits for the run finds the keeper ready, and its log written.
        fleet_report_exit_code(report, exitCode)
        await KeeperServer.serve(listening, place: parked.place, keeper: keeper)
        exit(0)
    }

    /// Output goes to the keeper's log from now on; stdin, the descriptors the caller passed
    /// in at start-up (found then: the run's own are made since) and the terminal are let go.
    private static func letGoOfTheCaller(log: String, inherited: [Int32]) {
        fflush(nil)
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 {
            dup2(null, 0)
            close(null)
        }
        let logDescriptor = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if logDescriptor >= 0 {
            dup2(logDescriptor, 1)
            dup2(logDescriptor, 2)
            close(logDescriptor)
        }
        for descriptor in inherited { close(descriptor) }
        KeeperDetachment.leaveTerminal()
    }

    /// `ps` and /proc/PID/cmdline show the keeper as `fleet keeper serve` rather than as the
    /// run it was: the run's command line named its command (a `sleep`, say), which would seem
    /// to be still running here. The words are overwritten in place, within the room the run's
    /// own took (the end is cut when there is less).
    private static func retitle(as words: [String]) {
        let count = Int(CommandLine.argc)
        guard count > 0, let first = CommandLine.unsafeArgv[0] else { return }
        var end = first
        for index in 0..<count {
            guard let word = CommandLine.unsafeArgv[index], word == end else { return }  // not one block
            end = word + strlen(word) + 1
        }
        let room = end - first
        let title = Array(words.joined(separator: "\0").utf8.prefix(room - 1))
        memset(first, 0, room)
        title.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            memcpy(first, base, bytes.count)
        }
    }
}
