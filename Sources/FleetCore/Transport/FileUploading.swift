/// A connection that can send a local file straight from disk.
///
/// `HostConnection.upload(_:to:mode:)` takes the bytes in memory, which for a large file
/// means the whole file in the controller's memory. A connection that also adopts this reads
/// the file in pieces while sending it, so memory stays bounded whatever the file's size;
/// `copy` uses it when the connection offers it.
public protocol FileUploading: HostConnection {
    /// Writes the local file at `localPath` to `path` on the host atomically with `mode`
    /// (like `upload(_:to:mode:)`), reading it as it goes.
    func upload(file localPath: String, to path: String, mode: Int) async throws
}
