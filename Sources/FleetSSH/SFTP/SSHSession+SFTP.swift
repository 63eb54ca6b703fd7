import CLibSSH2
import Foundation

extension SSHSession {
    /// Bytes asked for per SFTP read when downloading.
    static let sftpChunk = 30_000 * 32

    /// Uploads a local file to `remotePath` with `mode`, atomically: the bytes go to a
    /// temporary name beside the target, which is then renamed over it, so a reader never
    /// sees half a file and an interrupted upload leaves the old file intact. The file is
    /// read in pieces as it is sent (see `SFTPWriteOperation`), never held whole in memory.
    public func upload(from localPath: String, to remotePath: String, mode: Int = 0o644) async throws {
        try await upload(SFTPFileSource(path: localPath), to: remotePath, mode: mode)
    }

    /// Uploads `bytes` to `remotePath` with `mode`, atomically (see `upload(from:to:mode:)`).
    public func upload(_ bytes: [UInt8], to remotePath: String, mode: Int = 0o644) async throws {
        try await upload(SFTPBytesSource(bytes), to: remotePath, mode: mode)
    }

    private func upload(_ source: any SFTPUploadSource, to remotePath: String, mode: Int) async throws {
        let source = QueueConfined(value: source)
        try await sftpLock.withLock {
            let sftp = try await sftpChannel()
            let temporary = remotePath + ".fleet-\(UInt32.random(in: 0...UInt32.max))"
            let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
            let handle = try await openRemote(sftp, temporary, flags: flags, mode: 0o600, for: "upload")
            do {
                try await write(source.value, to: handle, sftp, remotePath)
                try await closeRemote(handle, sftp, remotePath)
            } catch {
                try? await closeRemote(handle, sftp, remotePath)
                _ = try? await run("rm -f \(shellQuote(temporary))")
                throw error
            }
            // OpenSSH's SFTP v3 rename refuses an existing target; rename(2) through the shell
            // replaces it atomically, and sets the final mode in the same round trip.
            let octal = String(mode, radix: 8)
            let finish = try await run("chmod \(octal) \(shellQuote(temporary)) && mv -f \(shellQuote(temporary)) \(shellQuote(remotePath))")
            guard finish.status.succeeded else {
                _ = try? await run("rm -f \(shellQuote(temporary))")
                throw SSHError.sftpFailed(operation: "upload", path: remotePath,
                                          reason: finish.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// Sends all of `source` through the open `handle`; returns once the server acknowledged it all.
    private func write(_ source: any SFTPUploadSource, to handle: QueueConfined<OpaquePointer>,
                       _ sftp: QueueConfined<OpaquePointer>, _ remotePath: String) async throws {
        let source = QueueConfined(value: source)
        let _: Int = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let operation = SFTPWriteOperation(handle: handle.value, source: source.value, failure: { raw, code in
                    self.sftpError(raw, sftp, "upload", remotePath, code)
                }, continuation: continuation)
                operation.owner = self
                self.add(operation)
            }
        }
    }

    /// Downloads `remotePath` into `localPath`, a packet at a time, through a
    /// `PartialLocalFile`: `localPath` is never half a file.
    public func download(_ remotePath: String, to localPath: String) async throws {
        let file = try PartialLocalFile(for: localPath, operation: "download")
        do {
            try await download(remotePath) { try file.append($0) }
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Downloads `remotePath` into memory.
    public func download(_ remotePath: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await download(remotePath) { bytes += $0 }
        return bytes
    }

    private func download(_ remotePath: String, consume: ([UInt8]) throws -> Void) async throws {
        try await sftpLock.withLock {
            let sftp = try await sftpChannel()
            let handle = try await openRemote(sftp, remotePath, flags: UInt(LIBSSH2_FXF_READ), mode: 0, for: "download")
            do {
                while true {
                    let chunk: [UInt8] = try await call("SFTP read") { raw -> [UInt8]? in
                        // Read straight into the array's storage: no zeroing, no copy.
                        var rc = 0
                        let bytes = [UInt8](unsafeUninitializedCapacity: SSHSession.sftpChunk) { buffer, count in
                            rc = buffer.withMemoryRebound(to: CChar.self) {
                                libssh2_sftp_read(handle.value, $0.baseAddress, $0.count)
                            }
                            count = max(0, rc)
                        }
                        if rc == Int(LIBSSH2_ERROR_EAGAIN) { return nil }
                        if rc < 0 { throw self.sftpError(raw, sftp, "download", remotePath, Int32(rc)) }
                        return bytes
                    }
                    if chunk.isEmpty { break }
                    try consume(chunk)
                }
                try await closeRemote(handle, sftp, remotePath)
            } catch {
                try? await closeRemote(handle, sftp, remotePath)
                throw error
            }
        }
    }

    private func openRemote(_ sftp: QueueConfined<OpaquePointer>, _ path: String, flags: UInt, mode: Int,
                            for operation: String) async throws -> QueueConfined<OpaquePointer> {
        try await call("SFTP open", timeout: 30) { raw -> QueueConfined<OpaquePointer>? in
            let handle = path.withCString {
                clibssh2_sftp_open(sftp.value, $0, UInt32(strlen($0)), flags, mode, LIBSSH2_SFTP_OPENFILE)
            }
            if let handle { return QueueConfined(value: handle) }
            let code = libssh2_session_last_errno(raw)
            if code == LIBSSH2_ERROR_EAGAIN { return nil }
            throw self.sftpError(raw, sftp, operation, path, code)
        }
    }

    private func closeRemote(_ handle: QueueConfined<OpaquePointer>, _ sftp: QueueConfined<OpaquePointer>,
                             _ path: String) async throws {
        let _: Void = try await call("SFTP close", timeout: 30) { raw in
            let rc = libssh2_sftp_close_handle(handle.value)
            if rc == LIBSSH2_ERROR_EAGAIN { return nil }
            // Write errors can surface only here.
            if rc < 0 { throw self.sftpError(raw, sftp, "close", path, rc) }
            return ()
        }
    }

    /// The session's SFTP channel, opened on first use. libssh2 1.10 can spin in
    /// `sftp_init` when the server has no SFTP subsystem, hence the deadline.
    private func sftpChannel() async throws -> QueueConfined<OpaquePointer> {
        if let existing = sftpState.channel { return existing }
        let channel = try await call("SFTP start", timeout: 20) { raw -> QueueConfined<OpaquePointer>? in
            if let sftp = libssh2_sftp_init(raw) { return QueueConfined(value: sftp) }
            let code = libssh2_session_last_errno(raw)
            if code == LIBSSH2_ERROR_EAGAIN { return nil }
            throw SSHError.sftpFailed(operation: "start", path: "", reason:
                "\(LibSSH2.lastError(raw).message) (does the server have an SFTP subsystem?)")
        }
        sftpState.channel = channel
        return channel
    }

    private func sftpError(_ raw: OpaquePointer, _ sftp: QueueConfined<OpaquePointer>, _ operation: String,
                           _ path: String, _ code: Int32) -> SSHError {
        if code == LIBSSH2_ERROR_SFTP_PROTOCOL {
            let status = libssh2_sftp_last_error(sftp.value)
            return .sftpFailed(operation: operation, path: path, reason: SFTPStatus.describe(status))
        }
        let error = SSHSession.error(code, raw, "SFTP \(operation)")
        if case .connectionLost = error { return error }
        return .sftpFailed(operation: operation, path: path, reason: LibSSH2.lastError(raw).message)
    }
}

/// SFTP status codes (draft-ietf-secsh-filexfer-02) in words.
enum SFTPStatus {
    static func describe(_ status: UInt) -> String {
        switch status {
        case 2: return "no such file"
        case 3: return "permission denied"
        case 4: return "failure"
        case 8: return "operation unsupported"
        default: return "SFTP status \(status)"
        }
    }
}

/// POSIX shell single-quoting: `it's` → `'it'"'"'s'`.
func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
}
