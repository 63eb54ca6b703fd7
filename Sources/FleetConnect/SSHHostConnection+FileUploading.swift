import FleetCore
import FleetSSH

/// Local files go over SFTP straight from disk, a window at a time (`SSHSession.upload(from:to:mode:)`).
extension SSHHostConnection: FileUploading {
    func upload(file localPath: String, to path: String, mode: Int) async throws {
        do {
            try await session.upload(from: localPath, to: path, mode: mode)
        } catch let error as SSHError {
            throw Self.map(error)
        }
    }
}
