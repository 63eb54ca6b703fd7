import FleetCore
import FleetSSH
import Foundation

/// A persistent `sh` on one host that runs a command per request over a single channel.
///
/// A command on its own channel costs several round trips (open, exec, close) plus sshd
/// starting a session; a playbook of many small tasks spends most of its time there. The
/// runner pays that once per host: each task is one request line (the command, base64) and
/// one framed answer (exit code, stdout, stderr), so a task costs one round trip.
///
/// Per task the semantics stay those of a channel: its own exit code and output, stdin
/// closed (`</dev/null`), a timeout (coreutils `timeout` on the host), sudo for `become`.
/// Output goes through files in a private temporary folder on the host, so background
/// processes a task starts cannot hold the answer open. Hosts without `base64` or
/// `mktemp` (or tasks with stdin, or a sudo password) use a channel per task instead.
actor TaskRunner {
    /// What the host side runs. Kept POSIX sh so any host with sshd can run it.
    static let script = #"""
        umask 077
        d=$(mktemp -d "${TMPDIR:-/tmp}/.fleet-runner.XXXXXX") || exit 90
        trap 'rm -rf "$d"' EXIT
        command -v base64 >/dev/null 2>&1 || exit 91
        to=0; command -v timeout >/dev/null 2>&1 && to=1
        printf 'FLEET-RUNNER-READY %s\n' "$to"
        while IFS=' ' read -r id t b enc; do
          if ! printf '%s' "$enc" | base64 -d > "$d/c"; then printf 'FLEET-RUNNER %s 127 0 0\n' "$id"; continue; fi
          set --
          if [ "$b" = 1 ]; then set -- sudo -n; fi
          if [ "$t" != 0 ] && [ "$to" = 1 ]; then set -- timeout -k 3 "$t" "$@"; fi
          "$@" sh -c "$(cat "$d/c")" </dev/null >"$d/o" 2>"$d/e"
          rc=$?
          printf 'FLEET-RUNNER %s %s %s %s\n' "$id" "$rc" "$(wc -c <"$d/o")" "$(wc -c <"$d/e")"
          cat "$d/o" "$d/e"
        done
        """#

    /// Why the runner cannot be used on a host; the caller falls back to channels.
    struct Unavailable: Error {
        var reason: String
    }

    private let input: CommandInput
    private var reader: FrameReader
    private let exit: Task<ExitStatus, Error>
    private var nextID = 1
    /// Whether the host has coreutils `timeout`; without it, commands with a timeout use channels.
    nonisolated let hasTimeout: Bool
    private(set) var isBroken = false
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private init(input: CommandInput, reader: FrameReader, exit: Task<ExitStatus, Error>, hasTimeout: Bool) {
        self.input = input
        self.reader = reader
        self.exit = exit
        self.hasTimeout = hasTimeout
    }

    /// Starts the runner and waits for it to say it is ready.
    static func start(on session: SSHSession) async throws -> TaskRunner {
        let (input, output, exit) = session.startInteractive("exec sh -c " + ShellQuoting.quote(script))
        var reader = FrameReader(output: output.makeAsyncIterator())
        guard let line = await reader.readLine(), line.hasPrefix("FLEET-RUNNER-READY ") else {
            input.close()
            exit.cancel()
            throw Unavailable(reason: "the host's sh could not start the task runner")
        }
        return TaskRunner(input: input, reader: reader, exit: exit, hasTimeout: line.hasSuffix(" 1"))
    }

    /// Runs one command and returns its own exit code and output.
    func run(_ command: RemoteCommand) async throws -> RemoteResult {
        await acquire()
        defer { release() }
        guard !isBroken else { throw TransportError(.failed, "the task runner stopped") }
        let id = nextID
        nextID += 1
        let seconds = command.timeout.map { max(1, Int($0.rounded(.up))) } ?? 0
        let encoded = Data(command.command.utf8).base64EncodedString()
        input.write(Array("\(id) \(seconds) \(command.become ? 1 : 0) \(encoded)\n".utf8))
        var reader = self.reader
        defer { self.reader = reader }
        guard let header = await reader.readLine() else {
            isBroken = true
            throw TransportError(.failed, "the task runner on the host ended while running the command "
                                 + "(did the command kill its parent shell?)")
        }
        let fields = header.split(separator: " ").map(String.init)
        guard fields.count == 5, fields[0] == "FLEET-RUNNER", fields[1] == String(id),
              let rc = Int32(fields[2]), let outLength = Int(fields[3]), let errLength = Int(fields[4]) else {
            isBroken = true
            throw TransportError(.failed, "the task runner answered out of turn: \(header.prefix(80))")
        }
        let limit = command.outputLimit ?? Int.max
        var result = RemoteResult(exitCode: rc)
        guard let stdout = await reader.readBytes(outLength, keeping: limit),
              let stderr = await reader.readBytes(errLength, keeping: limit) else {
            isBroken = true
            throw TransportError(.failed, "the task runner ended in the middle of a command's output")
        }
        (result.stdout, result.stdoutDropped) = stdout
        (result.stderr, result.stderrDropped) = stderr
        if seconds > 0 && hasTimeout && (rc == 124 || rc == 137) {
            throw TransportError(.timedOut, "command timed out after \(seconds)s")
        }
        return result
    }

    /// Ends the runner (its folder on the host is removed by its exit trap).
    func stop() async {
        isBroken = true
        input.close()
        exit.cancel()
    }

    // MARK: One request at a time

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}


/// Splits the runner's stdout into header lines and counted byte runs.
struct FrameReader: Sendable {
    var output: CommandOutputStream.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0

    init(output: CommandOutputStream.AsyncIterator) {
        self.output = output
    }

    /// The next line without its newline; nil at the end of the output.
    mutating func readLine() async -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                compact()
                return line
            }
            guard await fill() else { return nil }
        }
    }

    /// The next `count` bytes, keeping at most `limit` of them (the rest counted as dropped).
    mutating func readBytes(_ count: Int, keeping limit: Int) async -> ([UInt8], Int)? {
        var kept: [UInt8] = []
        var remaining = count
        var dropped = 0
        while remaining > 0 {
            if start == buffer.count {
                guard await fill() else { return nil }
            }
            let available = min(remaining, buffer.count - start)
            let taken = min(max(0, limit - kept.count), available)
            kept += buffer[start..<start + taken]
            dropped += available - taken
            start += available
            remaining -= available
            compact()
        }
        return (kept, dropped)
    }

    /// Appends the next stdout chunk (the runner's stderr carries only its own complaints).
    private mutating func fill() async -> Bool {
        while let (stream, bytes) = await output.next() {
            if stream == .stdout {
                buffer += bytes
                return true
            }
        }
        return false
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
