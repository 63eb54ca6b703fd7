import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock (`flock`) on `.fleet/state.lock` that a run holds from start to end.
///
/// Two runs against one inventory would each rewrite the state from their own copy and lose the
/// other's captures, so the second run fails at once instead of waiting: a run stuck behind a
/// forgotten one, or a prompt, is worse than a clear error. The holder writes its pid into the
/// lock file so that error can say which process to wait for. The lock belongs to the open file
/// description, so the kernel drops it when the process exits, however it exits; the descriptor
/// is close-on-exec so commands a run starts never inherit it.
final class StateLock {
    let path: String
    private var descriptor: Int32

    /// Takes the lock or throws `StateError.locked` naming the holder's pid.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
        guard descriptor >= 0 else { throw StateError.system(path, "open lock file") }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            close(descriptor)
            if failure == EWOULDBLOCK { throw StateError.locked(lockPath: path, pid: Self.holder(of: path)) }
            errno = failure
            throw StateError.system(path, "lock")
        }
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock; calling it again does nothing.
    func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The pid the holder wrote, if it is there yet.
    private static func holder(of path: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
