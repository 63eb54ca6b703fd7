import FleetCore
import FleetSSH

/// Fetched files go over SFTP straight to disk (`SSHSession.download(_:to:)`).
extension SSHHostConnection: FileDownloading {
    func download(_ path: String, toFile localPath: String) async throws {
        do {
            try await session.download(path, to: localPath)
        } catch let error as SSHError {
            throw Self.map(error)
        }
    }
}
