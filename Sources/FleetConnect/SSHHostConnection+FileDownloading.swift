import FleetCore
import FleetSSH

/// Fetched files go straight to disk: over SFTP (`SSHSession.download(_:to:)`), or with
/// `become` as the output of `sudo cat` (`SSHSession.run(_:stdin:writingOutputTo:)`).
extension SSHHostConnection: FileDownloading {
    func download(_ path: String, toFile localPath: String, become: Bool) async throws {
        do {
            guard become else { return try await session.download(path, to: localPath) }
            // `exec`: cat is then sudo's own child, to which sudo passes on the hangup or TERM
            // fleet sends when it gives up (a shell in between would die and leave cat blocked).
            let read = Become.wrap("exec cat -- " + ShellQuoting.quote(path), stdin: [])
            let result = try await session.run(read.command, stdin: read.stdin, writingOutputTo: localPath)
            guard result.status.succeeded else {
                let reason = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
                throw TransportError(.failed, "\(reason.isEmpty ? "sudo cat failed" : reason) (\(result.status))")
            }
        } catch let error as SSHError {
            throw Self.map(error)
        }
    }
}
