import Foundation

extension SSHSession {
    /// Runs `command` and writes its standard output to `localPath` as it arrives, through a
    /// `PartialLocalFile`: for a file only a command can read (`sudo cat`), of any size, in
    /// bounded memory. The file is put in place only when the command exits 0; otherwise it
    /// is dropped and the result says why.
    ///
    /// - Returns: The exit status and standard error (at most `stderrLimit` bytes kept);
    ///   `stdout` is empty, it went to the file.
    public func run(_ command: String, stdin: [UInt8] = [], writingOutputTo localPath: String,
                    stderrLimit: Int = 64 * 1024) async throws -> CommandResult {
        let file = try PartialLocalFile(for: localPath, operation: "download")
        do {
            let (output, exit) = start(command, stdin: stdin)
            // Cancelling (Ctrl-C) closes the channel, which also ends the output stream.
            return try await withTaskCancellationHandler {
                var stderr: [UInt8] = []
                var writeError: Error?
                for await (stream, bytes) in output {
                    if stream == .stderr {
                        stderr += bytes.prefix(max(0, stderrLimit - stderr.count))
                    } else if writeError == nil {
                        // Keep reading after a local failure: the channel must be drained to end.
                        do { try file.append(bytes) } catch { writeError = error }
                    }
                }
                let status = try await exit.value
                if let writeError { throw writeError }
                if status.succeeded { try file.commit() } else { file.discard() }
                return CommandResult(status: status, stdout: [], stderr: stderr)
            } onCancel: {
                exit.cancel()
            }
        } catch {
            file.discard()
            throw error
        }
    }
}
