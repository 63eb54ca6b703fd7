import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a lab directory, held while `up` or `down` changes it.
///
/// Test processes running in parallel share one lab; without the lock two of them would
/// create the same namespaces at once. The descriptor is close-on-exec so the sshd processes
/// the lab starts never inherit (and keep) the lock.
final class LabLock {
    private let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LabError.file(path: url.path, reason: String(cString: strerror(errno))) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw LabError.file(path: url.path, reason: "cannot lock: \(String(cString: strerror(errno)))")
            }
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
