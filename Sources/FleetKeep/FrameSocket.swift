import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Frames (a 4-byte big-endian length, then the bytes) over a connected stream socket.
///
/// Each request of a run is a frame each way, so this is on the path of every task: frames are
/// written straight from the caller's thread (a local socket's buffer almost always takes them
/// whole; the rest waits for a write source), and read by one read source that cuts whatever
/// arrived into frames and hands each to `onFrame` on the socket's queue, with no further hop.
final class FrameSocket: @unchecked Sendable {
    struct Closed: Error {}

    /// A frame larger than this ends the connection: the peer is not speaking this protocol.
    static let largestFrame = 1 << 30

    private let descriptor: Int32
    private let queue = DispatchQueue(label: "fleet.keeper.socket")
    private let lock = NSLock()
    private var reading: DispatchSourceRead?
    private var writing: DispatchSourceWrite?
    private var unsent: [UInt8] = []
    private var received: [UInt8] = []
    private var closed = false

    /// - Parameters:
    ///   - onFrame: Called on the socket's queue with each frame, in order.
    ///   - onClose: Called once on the socket's queue when the peer closed or the socket broke.
    init(descriptor: Int32, onFrame: @escaping @Sendable ([UInt8]) -> Void, onClose: @escaping @Sendable () -> Void) {
        self.descriptor = descriptor
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        // The handlers hold the socket until the source is cancelled (`close()`).
        source.setEventHandler { [self] in
            if !readAvailable(onFrame) {
                close()
                onClose()
            }
        }
        source.setCancelHandler { Glibc.close(descriptor) }
        reading = source
        source.resume()
    }

    /// Queues `payload` as one frame; frames go out in the order they were sent.
    func send(_ payload: [UInt8]) throws {
        var frame = [UInt8]()
        frame.reserveCapacity(payload.count + 4)
        let length = UInt32(payload.count)
        frame += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        frame += payload
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw Closed() }
        if unsent.isEmpty {
            let written = frame.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written == frame.count { return }
            if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK { throw Closed() }
            unsent = Array(frame.dropFirst(max(written, 0)))
            startWriting()
        } else {
            unsent += frame
        }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        writing?.cancel()
        writing = nil
        reading?.cancel()
    }

    /// Reads what is there and hands over every whole frame; false at end of stream or error.
    private func readAvailable(_ onFrame: ([UInt8]) -> Void) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                received += chunk[0..<count]
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            if count < 0 && errno == EINTR { continue }
            // The frames that came before the end; the stream is over either way.
            _ = deliver(onFrame)
            return false
        }
        return deliver(onFrame)
    }

    private func deliver(_ onFrame: ([UInt8]) -> Void) -> Bool {
        var start = 0
        defer { if start > 0 { received.removeFirst(start) } }
        while received.count - start >= 4 {
            let length = received[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= Self.largestFrame else { return false }
            guard received.count - start - 4 >= length else { break }
            onFrame(Array(received[start + 4..<start + 4 + length]))
            start += 4 + length
        }
        return true
    }

    /// Called with the lock held.
    private func startWriting() {
        guard writing == nil else { return }
        let source = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler { [self] in flush() }
        writing = source
        source.resume()
    }

    private func flush() {
        lock.lock()
        defer { lock.unlock() }
        while !unsent.isEmpty {
            let written = unsent.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                unsent.removeFirst(written)
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return
            } else {
                unsent.removeAll()
                break
            }
        }
        writing?.cancel()
        writing = nil
    }
}
