import Foundation

/// A key file to offer, with what fleet read from it (nil when it could not be read, or is not there).
///
/// Read while the TCP connect is in flight, so login does not wait on the disk.
struct IdentityKey {
    let path: String
    let file: PrivateKeyFile?
    /// A key someone named (the inventory's `key`) that does not exist: it is not offered, but
    /// the login failure names it, which is most likely the reason.
    var missing = false

    /// The keys among `paths`, in order. A missing default key (`~/.ssh/id_ed25519`, `id_ecdsa`)
    /// is passed over; a missing key someone named stays in the list, marked `missing`.
    static func inspect(_ paths: [String], defaults: [String] = SSHOptions.defaultIdentityFiles) -> [IdentityKey] {
        paths.compactMap { path in
            guard FileManager.default.fileExists(atPath: path) else {
                return defaults.contains(path) ? nil : IdentityKey(path: path, file: nil, missing: true)
            }
            return IdentityKey(path: path, file: PrivateKeyFile(path: path))
        }
    }
}
