import Foundation

/// A key file that exists, with what fleet read from it (nil when it could not be read).
///
/// Read while the TCP connect is in flight, so login does not wait on the disk.
struct IdentityKey {
    let path: String
    let file: PrivateKeyFile?

    /// The existing files among `paths`, in order; missing files are not offered at all.
    static func inspect(_ paths: [String]) -> [IdentityKey] {
        paths.filter { FileManager.default.fileExists(atPath: $0) }
            .map { IdentityKey(path: $0, file: PrivateKeyFile(path: $0)) }
    }
}
