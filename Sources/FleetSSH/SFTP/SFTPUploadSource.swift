import Foundation

/// Where the bytes of an upload come from, read front to back in pieces, so that a large
/// local file never has to be in memory whole.
protocol SFTPUploadSource {
    /// Bytes in all, as far as known when the upload starts (sizes the read buffer).
    var expectedSize: Int { get }
    /// Fills the start of `buffer` with the next bytes; returns how many (0: the end).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// An open local file, read with read(2). Several hosts reading the same file share it
/// through the page cache, not through copies in this process.
final class SFTPFileSource: SFTPUploadSource {
    let path: String
    let expectedSize: Int
    private let descriptor: Int32

    /// - Throws: `SSHError.sftpFailed` when the file cannot be opened.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SSHError.sftpFailed(operation: "upload", path: path,
                                      reason: "cannot read the local file: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        expectedSize = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SSHError.sftpFailed(operation: "upload", path: path,
                                      reason: "cannot read the local file: \(String(cString: strerror(errno)))")
        }
    }
}

/// Bytes already in memory.
struct SFTPBytesSource: SFTPUploadSource {
    let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var expectedSize: Int { bytes.count }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.baseAddress!.copyMemory(from: all.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
