/// What a copy puts on the host: bytes made on the controller (`content`, `template`), or a
/// local file (`copy src`), which is never read whole into memory when the connection can
/// send it from disk (`FileUploading`).
enum CopyPayload {
    case bytes([UInt8])
    /// `path` is the full local path; `size` its size when the task was prepared.
    case file(path: String, size: Int)

    var size: Int {
        switch self {
        case .bytes(let bytes): return bytes.count
        case .file(_, let size): return size
        }
    }

    /// The SHA-256 of the content as `sha256sum` prints it, to compare with the host's file;
    /// nil when the local file cannot be read. A file's digest is computed once per version
    /// of the file and shared by every host.
    func checksum() -> String? {
        switch self {
        case .bytes(let bytes): return SHA256.hex(bytes)
        case .file(let path, _): return FileDigests.shared.hex(of: path)
        }
    }

    /// Writes the content to `path` on `connection` atomically with `mode`.
    /// - Throws: `TransportError`; `.failed` also when the local file cannot be read.
    func upload(to path: String, mode: Int, on connection: HostConnection) async throws {
        switch self {
        case .bytes(let bytes):
            try await connection.upload(bytes, to: path, mode: mode)
        case .file(let local, _):
            if let streaming = connection as? FileUploading {
                try await streaming.upload(file: local, to: path, mode: mode)
                return
            }
            guard let bytes = SharedReads.shared.contents(of: local) else {
                throw TransportError(.failed, "cannot read local file \(local)")
            }
            try await connection.upload(bytes, to: path, mode: mode)
        }
    }
}
