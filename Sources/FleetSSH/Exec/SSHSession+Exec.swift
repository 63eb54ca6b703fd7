import Foundation

/// A running command's output, pulled chunk by chunk (bounded: see `OutputPipe`).
public struct CommandOutputStream: AsyncSequence, Sendable {
    public typealias Element = (OutputStreamKind, [UInt8])
    let pipe: OutputPipe

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let pipe: OutputPipe
        public mutating func next() async -> Element? { await pipe.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pipe: pipe) }
}

extension SSHSession {
    /// Starts `command` on a new channel and returns its output stream and a waiter for its
    /// exit. Both must be consumed: output is held back (and the remote paused) until read.
    ///
    /// - Parameters:
    ///   - stdin: Bytes written to the command's standard input, which is then closed.
    ///   - timeout: Seconds before the channel is closed and `SSHError.commandTimedOut` thrown.
    public func start(
        _ command: String, stdin: [UInt8] = [], timeout: Double? = nil
    ) -> (output: CommandOutputStream, exit: Task<ExitStatus, Error>) {
        let started = startInteractive(command, input: CommandInput(stdin, closed: true), timeout: timeout)
        return (started.output, started.exit)
    }

    /// Starts `command` with an open standard input that the caller writes to and closes:
    /// for long-lived remote processes that take requests over stdin.
    public func startInteractive(
        _ command: String, timeout: Double? = nil
    ) -> (input: CommandInput, output: CommandOutputStream, exit: Task<ExitStatus, Error>) {
        let input = CommandInput()
        let started = startInteractive(command, input: input, timeout: timeout)
        return (input, started.output, started.exit)
    }

    private func startInteractive(
        _ command: String, input: CommandInput, timeout: Double?
    ) -> (output: CommandOutputStream, exit: Task<ExitStatus, Error>) {
        let pipe = OutputPipe()
        pipe.onRoom = { [weak self] in self?.wake() }
        input.onInput = { [weak self] in self?.wake() }
        let exit = Task<ExitStatus, Error> {
            let holder = OperationHolder()
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    self.queue.async {
                        let op = ExecOperation(command: command, input: input, timeout: timeout, pipe: pipe,
                                               continuation: continuation)
                        op.owner = self
                        holder.operation = op
                        self.add(op)
                    }
                }
            } onCancel: {
                self.queue.async {
                    holder.operation?.cancel()
                    self.pump()
                }
            }
        }
        return (CommandOutputStream(pipe: pipe), exit)
    }

    /// Runs `command` and collects all of its output.
    public func run(_ command: String, stdin: [UInt8] = [], timeout: Double? = nil) async throws -> CommandResult {
        let (output, exit) = start(command, stdin: stdin, timeout: timeout)
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        for await (stream, bytes) in output {
            if stream == .stdout { stdout += bytes } else { stderr += bytes }
        }
        let status = try await withTaskCancellationHandler {
            try await exit.value
        } onCancel: {
            exit.cancel()
        }
        return CommandResult(status: status, stdout: stdout, stderr: stderr)
    }
}

/// Lets a cancellation handler reach an operation created later on the session queue.
private final class OperationHolder: @unchecked Sendable {
    var operation: ExecOperation?
}
