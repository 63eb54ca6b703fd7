import Foundation

/// SHA-256 digests of local files, read in pieces so a file of any size is never whole in
/// memory, and remembered per version of the file (size and modification time): copying one
/// file to many hosts hashes it once, not once per host.
final class FileDigests: @unchecked Sendable {
    static let shared = FileDigests()
    private let lock = NSLock()
    private var entries: [(path: String, version: String, hex: String)] = []
    private let capacity = 16
    /// Bytes read per `read(2)`.
    static let pieceSize = 1 << 20

    /// The digest of the file at `path` as `sha256sum` prints it; nil when it cannot be read.
    /// Callers asking at the same time wait for one computation.
    func hex(of path: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let version = SharedReads.version(of: path)
        if let known = entries.first(where: { $0.path == path && $0.version == version }) { return known.hex }
        guard let hex = Self.compute(path) else { return nil }
        entries.removeAll { $0.path == path }
        entries.append((path, version, hex))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        return hex
    }

    /// Streams the file through SHA-256 (FIPS 180-4 padding at the end).
    static func compute(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var state: [UInt32] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        ]
        var words = [UInt32](repeating: 0, count: 64)
        var piece = [UInt8](repeating: 0, count: pieceSize)
        var held = 0 // bytes at the front of `piece` not yet hashed (less than one block)
        var total: UInt64 = 0
        while true {
            let count = piece.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + held, buffer.count - held)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            total &+= UInt64(count)
            held += count
            let whole = held / 64 * 64
            piece.withUnsafeBufferPointer { buffer in
                for offset in stride(from: 0, to: whole, by: 64) { SHA256.compress(&state, &words, buffer, at: offset) }
            }
            if whole > 0 && whole < held {
                piece.withUnsafeMutableBytes { buffer in
                    buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + whole, byteCount: held - whole)
                }
            }
            held -= whole
        }
        var tail = Array(piece[..<held])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bitLength = total &* 8
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { buffer in
            for offset in stride(from: 0, to: buffer.count, by: 64) { SHA256.compress(&state, &words, buffer, at: offset) }
        }
        let digest = state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
        return digest.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }
}
