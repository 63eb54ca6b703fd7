import FleetCore
import Foundation

/// One host's session borrowed from the keeper: every call is a request to the keeper, which
/// runs it on the kept session exactly as the run's own connection would.
struct KeptHostConnection: HostConnection, FileUploading, FileDownloading {
    let link: KeeperLink
    let lease: Int
    let place: KeeperPlace

    func run(_ command: RemoteCommand) async throws -> RemoteResult {
        try await run(command, then: [])
    }

    func run(_ command: RemoteCommand, then following: [RemoteCommand]) async throws -> RemoteResult {
        let reply = try await call(.run(lease: lease, command: WireCommand(command), then: following.map(WireCommand.init)))
        guard case .result(let result) = reply else { throw Self.unexpected }
        return result.result
    }

    func prepare() async {
        _ = try? await call(.prepare(lease: lease))
    }

    func upload(_ bytes: [UInt8], to path: String, mode: Int) async throws {
        _ = try await call(.upload(lease: lease, bytes: bytes, path: path, mode: mode))
    }

    /// The keeper reads the file itself (same user, same machine), so it is never copied here.
    func upload(file localPath: String, to path: String, mode: Int) async throws {
        let absolute = URL(fileURLWithPath: localPath).standardizedFileURL.path
        _ = try await call(.uploadFile(lease: lease, localPath: absolute, path: path, mode: mode))
    }

    func download(_ path: String) async throws -> [UInt8] {
        guard case .data(let bytes) = try await call(.download(lease: lease, path: path)) else { throw Self.unexpected }
        return bytes
    }

    /// The keeper writes the file itself, so it is never copied here.
    func download(_ path: String, toFile localPath: String, become: Bool) async throws {
        let absolute = URL(fileURLWithPath: localPath).standardizedFileURL.path
        _ = try await call(.downloadFile(lease: lease, path: path, localPath: absolute, become: become))
    }

    /// The answer, with a failure thrown as the error the run's own connection would throw.
    private func call(_ request: KeeperRequest) async throws -> KeeperReply {
        let reply: KeeperReply
        do {
            reply = try await link.call(request)
        } catch is KeeperLink.Lost {
            throw Self.lostKeeper(place)
        }
        if case .failure(let kind, let message, _) = reply {
            if Task.isCancelled { throw CancellationError() }
            throw TransportError(kind.kind, message)
        }
        return reply
    }

    private static let unexpected = TransportError(.failed, "unexpected answer from the connection keeper")

    static func lostKeeper(_ place: KeeperPlace) -> TransportError {
        TransportError(.unreachable, "the connection keeper ended during the run (see \(place.logPath))")
    }
}
