import FleetCore
import Foundation

/// A run's connection to the keeper: requests go out numbered, one reader hands each answer
/// to whoever asked, whatever the order.
final class KeeperLink: @unchecked Sendable {
    /// The keeper went away (killed, or stopped by another build) while the run needed it.
    struct Lost: Error {}

    private var socket: FrameSocket!
    private let lock = NSLock()
    private var nextID = 1
    private var waiting: [Int: CheckedContinuation<KeeperReply, Error>] = [:]
    private var lost = false
    /// JSON until the keeper answers `ready`, then binary (`KeeperWire`).
    private var form = KeeperWire.Form.json

    init(descriptor: Int32) {
        socket = FrameSocket(descriptor: descriptor, onFrame: { [weak self] in self?.answer($0) },
                             onClose: { [weak self] in self?.loseAll() })
    }

    /// Sends `request` and waits for its answer. Cancelling the caller asks the keeper to stop
    /// working on it (a command's channel is closed, as when a run's own process ends).
    func call(_ request: KeeperRequest) async throws -> KeeperReply {
        let (id, form) = lock.withLock { () -> (Int, KeeperWire.Form) in
            defer { nextID += 1 }
            return (nextID, self.form)
        }
        let payload = try KeeperWire.encode(RequestFrame(id: id, request: request), as: form)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<KeeperReply, Error>) in
                let accepted = lock.withLock { () -> Bool in
                    guard !lost else { return false }
                    waiting[id] = continuation
                    return true
                }
                guard accepted else { return continuation.resume(throwing: Lost()) }
                do { try socket.send(payload) } catch { fail(id) }
            }
        } onCancel: { [self] in
            guard let cancel = try? KeeperWire.encode(RequestFrame(id: 0, request: .cancel(request: id)), as: form) else { return }
            try? socket.send(cancel)
        }
    }

    func close() {
        socket.close()
    }

    private func answer(_ payload: [UInt8]) {
        let form = lock.withLock { self.form }
        guard let frame = try? KeeperWire.decode(ReplyFrame.self, from: payload, as: form) else {
            socket.close()
            return loseAll()
        }
        let continuation = lock.withLock { () -> CheckedContinuation<KeeperReply, Error>? in
            // Nothing else is sent before the answer to `hello`, so every later frame either way
            // is binary.
            if case .ready = frame.reply { self.form = .binary }
            return waiting.removeValue(forKey: frame.id)
        }
        continuation?.resume(returning: frame.reply)
    }

    private func loseAll() {
        let all = lock.withLock { () -> [CheckedContinuation<KeeperReply, Error>] in
            lost = true
            defer { waiting.removeAll() }
            return Array(waiting.values)
        }
        for continuation in all { continuation.resume(throwing: Lost()) }
    }

    private func fail(_ id: Int) {
        let continuation = lock.withLock { waiting.removeValue(forKey: id) }
        continuation?.resume(throwing: Lost())
    }
}
