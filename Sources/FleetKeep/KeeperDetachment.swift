import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What makes a process a background keeper, whether started as `fleet keeper serve` or a
/// first run that stays (`FirstRunHandover`): it holds none of its caller's descriptors, has
/// a session of its own, and takes the signals a keeper takes.
enum KeeperDetachment {
    /// The descriptors above stderr open without close-on-exec: the ones a caller passed in
    /// (its pipes, say), since this process's own (Dispatch's among them) all have the flag.
    /// A caller reading the run's output to the end would wait for the keeper to close them.
    /// (The listing's own descriptor is closed again by the time they are checked.)
    static func inheritedDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap(Int32.init).filter { descriptor in
            let flags = fcntl(descriptor, F_GETFD)
            return descriptor > 2 && flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }

    /// Leaves the terminal's session (Ctrl-C there no longer reaches it), ignores a hangup and
    /// a closed pipe, and dies of SIGINT and SIGTERM (a run had them handled).
    static func leaveTerminal() {
        _ = setsid()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
