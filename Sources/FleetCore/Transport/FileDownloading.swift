/// A connection that can write a host's file straight into a local file, a packet at a time,
/// so fetching a file of any size takes no more memory than a small one. Connections without
/// it (the scheduler's in-memory test transport) go through `download(_:)`.
public protocol FileDownloading: HostConnection {
    /// Reads `path` on the host into `localPath`, which appears whole or not at all (a
    /// temporary file in the same folder, then a rename). The folder must exist. With
    /// `become` the file is read through sudo (`cat` as root) instead of SFTP, which runs as
    /// the login user.
    func download(_ path: String, toFile localPath: String, become: Bool) async throws
}
