import Dispatch
import Foundation

/// Frames (a 4-byte big-endian length, then the bytes) over a connected stream socket, read and
/// written asynchronously through Dispatch so that no thread waits on the socket.
///
/// Reads and writes may run at the same time; writes go out in the order they were asked for,
/// each frame whole. `close()` ends both, and the descriptor is closed once neither uses it.
final class FrameSocket: @unchecked Sendable {
    struct Closed: Error {}

    /// A frame larger than this is refused: the peer is not speaking this protocol.
    static let largestFrame = 1 << 30

    private let io: DispatchIO
    private let queue = DispatchQueue(label: "fleet.keeper.socket")

    init(descriptor: Int32) {
        io = DispatchIO(type: .stream, fileDescriptor: descriptor, queue: queue) { _ in
            Foundation.close(descriptor)
        }
    }

    func send(_ payload: Data) async throws {
        var frame = Data(capacity: payload.count + 4)
        let length = UInt32(payload.count).bigEndian
        withUnsafeBytes(of: length) { frame.append(contentsOf: $0) }
        frame.append(payload)
        let data = frame.withUnsafeBytes { DispatchData(bytes: $0) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            io.write(offset: 0, data: data, queue: queue) { done, _, error in
                guard done else { return }
                if error == 0 { continuation.resume() } else { continuation.resume(throwing: Closed()) }
            }
        }
    }

    /// The next frame; nil when the peer closed the connection between frames.
    func receive() async throws -> Data? {
        guard let header = try await read(4) else { return nil }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length <= Self.largestFrame else { throw Closed() }
        if length == 0 { return Data() }
        guard let body = try await read(length) else { throw Closed() }
        return body
    }

    func close() {
        io.close(flags: .stop)
    }

    private final class Buffer: @unchecked Sendable { var data = Data() }

    /// Exactly `count` bytes; nil at end of stream before the first byte.
    private func read(_ count: Int) async throws -> Data? {
        let buffer = Buffer()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, Error>) in
            io.read(offset: 0, length: count, queue: queue) { done, data, error in
                if let data, !data.isEmpty { buffer.data.append(contentsOf: data) }
                guard done else { return }
                if buffer.data.count == count {
                    continuation.resume(returning: buffer.data)
                } else if buffer.data.isEmpty && error == 0 {
                    continuation.resume(returning: nil)
                } else {
                    continuation.resume(throwing: Closed())
                }
            }
        }
    }
}
