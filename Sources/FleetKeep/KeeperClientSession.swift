import FleetConnect
import FleetCore
import FleetSSH
import Foundation

/// One run connected to the keeper: its requests, each worked on at once and answered when
/// done, and the sessions it borrowed.
///
/// When the run goes away (it finished, or its process died), whatever it still had running
/// is cancelled, as if its own process had ended, and its sessions go back to the pool.
actor KeeperClientSession {
    private let socket: FrameSocket
    private let frames: AsyncStream<[UInt8]>
    private let keeper: Keeper
    private var greeted = false
    private var leases: [Int: (entry: HostPool.Entry, connection: HostConnection)] = [:]
    private var working: [Int: Task<Void, Never>] = [:]
    /// JSON until this keeper has answered `ready`, then binary (`KeeperWire`).
    private var form = KeeperWire.Form.json

    init(descriptor: Int32, keeper: Keeper) {
        // Frames go through a stream so that they are worked on in the order they came (a
        // cancel after the request it cancels).
        let (frames, arriving) = AsyncStream<[UInt8]>.makeStream()
        self.frames = frames
        socket = FrameSocket(descriptor: descriptor, onFrame: { arriving.yield($0) }, onClose: { arriving.finish() })
        self.keeper = keeper
    }

    func serve() async {
        for await payload in frames {
            guard let frame = try? KeeperWire.decode(RequestFrame.self, from: payload, as: form) else { break }
            if case .bye = frame.request {
                await finish()
                reply(frame.id, .done)
                socket.close()
                return
            }
            start(frame)
        }
        await finish()
        socket.close()
    }

    /// Cancels what is still running and gives every borrowed session back.
    private func finish() async {
        let running = Array(working.values)
        for task in running { task.cancel() }
        for task in running { await task.value }
        let borrowed = leases.values.map(\.entry)
        leases.removeAll()
        for entry in borrowed { await keeper.pool.giveBack(entry) }
        if greeted {
            greeted = false
            await keeper.clientLeft()
        }
    }

    private func start(_ frame: RequestFrame) {
        switch frame.request {
        case .cancel(let request):
            working[request]?.cancel()
            return
        default:
            break
        }
        let id = frame.id
        working[id] = Task {
            let answer = await self.answer(frame.request)
            self.reply(id, answer)
            self.done(id)
        }
    }

    private func done(_ id: Int) {
        working[id] = nil
    }

    private func reply(_ id: Int, _ reply: KeeperReply) {
        guard let payload = try? KeeperWire.encode(ReplyFrame(id: id, reply: reply), as: form) else { return }
        // The client sends nothing more until it has this answer, so no frame of the old form
        // can come after it.
        if case .ready = reply { form = .binary }
        try? socket.send(payload)
    }

    private func answer(_ request: KeeperRequest) async -> KeeperReply {
        do {
            switch request {
            case .hello(let version, let build, let persist):
                guard version == KeeperWire.protocolVersion, build == KeeperBuild.current else {
                    return .otherBuild(build: KeeperBuild.current)
                }
                // A run counts as a client; `fleet keeper status` (no persist) does not.
                if !greeted, let persist {
                    greeted = true
                    await keeper.clientArrived(persist: persist)
                }
                return .ready(pid: getpid())
            case .open(let lease, let target, let options, let runner):
                return try await open(lease, target, options, runner: runner)
            case .run(let lease, let command, let following):
                let result = try await connection(lease).run(command.remoteCommand, then: following.map(\.remoteCommand))
                return .result(WireResult(result))
            case .prepare(let lease):
                try await connection(lease).prepare()
                return .done
            case .upload(let lease, let bytes, let path, let mode):
                try await connection(lease).upload(bytes, to: path, mode: mode)
                return .done
            case .uploadFile(let lease, let localPath, let path, let mode):
                let connection = try connection(lease)
                guard let streaming = connection as? FileUploading else {
                    throw TransportError(.failed, "this connection cannot send a file from disk")
                }
                try await streaming.upload(file: localPath, to: path, mode: mode)
                return .done
            case .download(let lease, let path):
                return .data(try await connection(lease).download(path))
            case .downloadFile(let lease, let path, let localPath, let become):
                guard let streaming = try connection(lease) as? FileDownloading else {
                    throw TransportError(.failed, "this connection cannot write a file to disk")
                }
                try await streaming.download(path, toFile: localPath, become: become)
                return .done
            case .status:
                return .status(await keeper.status())
            case .stop:
                await keeper.requestStop()
                return .done
            case .cancel, .bye:
                return .done
            }
        } catch let error as TransportError {
            return .failure(kind: WireErrorKind(error.kind), message: error.message, login: false)
        } catch is CancellationError {
            return .failure(kind: .failed, message: "cancelled", login: false)
        } catch {
            return .failure(kind: .failed, message: "\(error)", login: false)
        }
    }

    private func open(_ lease: Int, _ target: WireTarget, _ options: WireOptions, runner: Bool) async throws -> KeeperReply {
        do {
            let (entry, reused) = try await keeper.pool.borrow(target, options)
            do {
                leases[lease] = (entry, try await entry.host.connection(runner: runner))
            } catch {
                await keeper.pool.giveBack(entry)
                throw error
            }
            return .opened(reused: reused)
        } catch let error as SSHError {
            return .failure(kind: error.isUnreachable ? .unreachable : .failed,
                            message: error.errorDescription ?? "\(error)", login: Self.needsSecret(error))
        }
    }

    /// Logins the keeper cannot do because they need a password or passphrase: the run that
    /// asked logs in itself (from its environment or terminal).
    private static func needsSecret(_ error: SSHError) -> Bool {
        switch error {
        case .credentialRequired, .authenticationFailed: return true
        default: return false
        }
    }

    private func connection(_ lease: Int) throws -> HostConnection {
        guard let connection = leases[lease]?.connection else {
            throw TransportError(.failed, "the connection keeper has no session numbered \(lease) for this run")
        }
        return connection
    }
}
