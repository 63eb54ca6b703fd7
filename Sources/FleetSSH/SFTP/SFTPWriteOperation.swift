import CLibSSH2
import Dispatch

/// Writes everything an upload source holds to an open SFTP file handle, stepped by the
/// session's pump like any other operation.
///
/// libssh2 1.10 pipelines a write by cutting the bytes it is given into 30,000-byte SFTP
/// packets, sending them, and returning as soon as the first one is acknowledged: one
/// packet's worth per call. It must then be called again with the same bytes from the first
/// unacknowledged one on; bytes beyond those it has already made into packets become new
/// packets. So this operation keeps part of the source in a buffer, always passes `window`
/// bytes from the first unacknowledged one, and refills the buffer behind them. The pipeline
/// stays full (it never drains at the end of a chunk), and the memory of one upload is the
/// buffer plus the packets libssh2 holds (about `window`), whatever the file's size.
///
/// The write loop runs here, on the session queue, until libssh2 says EAGAIN: one pump per
/// burst of acknowledgements instead of a hop to an async caller for every 30,000 bytes.
final class SFTPWriteOperation: SessionOperation, @unchecked Sendable {
    /// Bytes offered to libssh2 beyond the last acknowledged one: 32 packets in flight.
    /// 16 or 64 packets, and a buffer of 4 windows, measured no faster on 20 lab hosts
    /// (the machine's CPU is the limit there); 32 keeps a round trip of 40 ms from idling
    /// the pipe below 24 MB/s per host.
    static let window = 30_000 * 32
    /// The buffer holds this much of the source; refilling moves what is still unacknowledged
    /// to its front. Two windows: 1.9 MB per upload in progress.
    static let bufferCapacity = 2 * window
    /// Calls per step before other operations of the session get their turn.
    static let writesPerStep = 64

    /// No deadline of its own: a silent peer is caught by the session's keepalive.
    let deadline: DispatchTime? = nil
    weak var owner: SSHSession?

    private let handle: OpaquePointer
    private var source: any SFTPUploadSource
    private let buffer: UnsafeMutableRawBufferPointer
    /// Source offsets of `buffer`'s first byte, of the end of its valid bytes, and of the
    /// first byte the server has not acknowledged.
    private var bufferStart = 0
    private var bufferEnd = 0
    private var acknowledged = 0
    private var sourceEnded = false
    private let failure: (OpaquePointer, Int32) -> SSHError
    private var continuation: CheckedContinuation<Int, Error>?

    /// - Parameters:
    ///   - failure: The error for a negative libssh2 return code (SFTP status in words).
    ///   - continuation: Resumed with the number of bytes written, or the error.
    init(handle: OpaquePointer, source: any SFTPUploadSource, failure: @escaping (OpaquePointer, Int32) -> SSHError,
         continuation: CheckedContinuation<Int, Error>) {
        self.handle = handle
        self.source = source
        self.failure = failure
        self.continuation = continuation
        let capacity = max(1, min(Self.bufferCapacity, source.expectedSize))
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    func step(_ session: OpaquePointer) -> StepOutcome {
        guard continuation != nil else { return .finished }
        do {
            for _ in 0..<Self.writesPerStep {
                try refillIfLow()
                let pending = bufferEnd - acknowledged
                if pending == 0 {
                    finish(.success(acknowledged))
                    return .finished
                }
                let start = buffer.baseAddress! + (acknowledged - bufferStart)
                let rc = libssh2_sftp_write(handle, start.assumingMemoryBound(to: CChar.self), min(pending, Self.window))
                // 0: a packet is half sent for want of channel window; the window adjustment
                // arrives on the socket like an acknowledgement.
                if rc == Int(LIBSSH2_ERROR_EAGAIN) || rc == 0 { return .again }
                if rc < 0 { throw failure(session, Int32(rc)) }
                acknowledged += rc
            }
            return .progressed
        } catch let error as SSHError {
            finish(.failure(error))
            if case .connectionLost = error { owner?.die(error) }
            return .finished
        } catch {
            finish(.failure(error))
            return .finished
        }
    }

    /// Tops the buffer up once fewer than `window` unacknowledged bytes are left in it.
    private func refillIfLow() throws {
        guard !sourceEnded, bufferEnd - acknowledged < Self.window else { return }
        let kept = bufferEnd - acknowledged
        if acknowledged > bufferStart, kept > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + (acknowledged - bufferStart), byteCount: kept)
        }
        bufferStart = acknowledged
        var filled = kept
        while filled < buffer.count {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 {
                sourceEnded = true
                break
            }
            filled += count
        }
        bufferEnd = bufferStart + filled
    }

    private func finish(_ result: Result<Int, Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }

    func expire() -> Bool { true }

    func abandon(_ error: SSHError) {
        finish(.failure(error))
    }
}
