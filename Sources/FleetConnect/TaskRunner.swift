import FleetCore
import FleetSSH
import Foundation

/// A persistent `sh` on one host that runs a command per request over a single channel.
///
/// A command on its own channel costs several round trips (open, exec, close) and sshd
/// starting a session with a fresh shell; a playbook of many small tasks spends most of its
/// time there. The runner pays that once per host: a task is one request and one answer,
/// so it costs one round trip and one `fork` on the host (the command runs in a subshell:
/// `( eval "$cmd" ) </dev/null`).
///
/// The channel runs `exec sh`, which reads its commands from the channel: first `script`,
/// which defines `__fleet_task`, then one line per task, `__fleet_task TOKEN TIMEOUT BECOME
/// AFTER 'COMMAND'`, the command single-quoted (`ShellQuoting`). The shell parses those
/// lines from its input in blocks; an earlier runner read each request with `read`, which
/// on a pipe reads a byte per system call: about 0.1 ms of the host's CPU per task.
///
/// The task's stdout and stderr are the channel's own streams; after the command the runner
/// writes the token (and the exit code) to both, and the client cuts each stream there. The
/// token is 128 random bits per task, so no output can fake it. Per task the semantics stay
/// those of `sh -c`: own exit code and output, stdin closed, variables and `cd` not leaking
/// into the next task, `$0` = `sh`, no positional parameters. A timeout uses coreutils
/// `timeout` on the host and `become` uses `sudo -n` (those two run `sh -c` as a new process;
/// `timeout` runs inside sudo, so that it can signal what runs as root).
/// Limitation: a background process a task starts without redirecting its output may write
/// into a later task's output; start daemons with their output redirected (as usual anyway).
/// Tasks with stdin or a sudo password, and hosts where the runner cannot start, use a
/// channel per task instead.
actor TaskRunner {
    /// What the host's `sh` reads first. Kept POSIX sh so any host with sshd can run it.
    /// `__fleet_task`'s arguments: the token, the timeout in seconds (0: none), 1 to run
    /// through `sudo -n`, 1 to run only if the request before exited 0, the command.
    static let script = #"""
        __fleet_to=0; command -v timeout >/dev/null 2>&1 && __fleet_to=1
        __fleet_rc=0
        __fleet_task() {
          if [ "$4" = 1 ] && [ "$__fleet_rc" != 0 ]; then
            printf '%s -\n' "$1"
            printf '%s\n' "$1" >&2
            return 0
          fi
          __fleet_tok=$1; __fleet_t=$2; __fleet_b=$3; __fleet_cmd=$5
          set --
          if [ "$__fleet_b" = 1 ]; then set -- sudo -n; fi
          if [ "$__fleet_t" != 0 ] && [ "$__fleet_to" = 1 ]; then set -- "$@" timeout -k 3 "$__fleet_t"; fi
          if [ $# -gt 0 ]; then
            "$@" sh -c "$__fleet_cmd" </dev/null
          else
            ( eval "$__fleet_cmd" ) </dev/null
          fi
          __fleet_rc=$?
          printf '%s %s\n' "$__fleet_tok" "$__fleet_rc"
          printf '%s\n' "$__fleet_tok" >&2
        }
        printf 'FLEET-RUNNER-READY %s\n' "$__fleet_to"

        """#

    /// A request written before the caller asked for it.
    private struct SentAhead {
        var token: String
        var command: RemoteCommand
    }

    /// Why the runner cannot be used on a host; the caller falls back to channels.
    struct Unavailable: Error {
        var reason: String
        /// How its channel ended, when it failed (a session found dead: `droppedBeforeStart`).
        var cause: Error?
    }

    private let input: CommandInput
    private var reader: AnswerReader
    private let exit: Task<ExitStatus, Error>
    /// Whether the host has coreutils `timeout` (without it, commands with a timeout use
    /// channels): nil until the runner's greeting has been read (see `start`).
    private(set) var timeoutAvailable: Bool?
    private(set) var isBroken = false
    private var busy = false
    /// Requests written ahead of their turn, oldest first, whose answers are not read yet.
    private var sentAhead: [SentAhead] = []
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private init(input: CommandInput, reader: AnswerReader, exit: Task<ExitStatus, Error>) {
        self.input = input
        self.reader = reader
        self.exit = exit
    }

    /// Starts the runner without waiting for it: its greeting is read before the first
    /// answer, so the first request goes out right behind `script`, a round trip sooner.
    /// Nothing is lost when the greeting never comes (the host's `sh` did not start, or a
    /// forced command took its place): the requests written meanwhile cannot have run,
    /// since the shell runs them after the greeting, and the caller gets `Unavailable`.
    static func start(on session: SSHSession) -> TaskRunner {
        let (input, output, exit) = session.startInteractive("exec sh")
        input.write(Array(script.utf8))
        return TaskRunner(input: input, reader: AnswerReader(output: output.makeAsyncIterator()), exit: exit)
    }

    /// Whether the host has coreutils `timeout`; waits for the runner's greeting. False
    /// when the runner did not start (`run` then throws `Unavailable`).
    func hasTimeout() async -> Bool {
        await acquire()
        defer { release() }
        return (try? await greeting()) ?? false
    }

    /// Reads the greeting once, before anything else on stdout: lines the login shell
    /// printed before `exec sh` are skipped.
    private func greeting() async throws -> Bool {
        if let timeoutAvailable { return timeoutAvailable }
        guard !isBroken else { throw Unavailable(reason: "the task runner did not start") }
        var reader = self.reader
        defer { self.reader = reader }
        let line = await withTaskCancellationHandler {
            await reader.greeting()
        } onCancel: { [exit] in
            exit.cancel()
        }
        guard let line else {
            isBroken = true
            sentAhead.removeAll()
            if Task.isCancelled { throw CancellationError() }
            var cause: Error?
            do { _ = try await exit.value } catch { cause = error }
            throw Unavailable(reason: "the host's sh did not start the task runner", cause: cause)
        }
        timeoutAvailable = line.hasSuffix(" 1")
        return line.hasSuffix(" 1")
    }

    /// Runs one command and returns its own exit code and output.
    ///
    /// `following` are the commands the caller will ask for next, in this order, each only
    /// if the one before it exits 0. They are written now, behind this one, so the host
    /// runs them back to back instead of waiting a round trip for each; the runner skips
    /// the rest of such a chain at the first non-zero exit. Their answers are read when the
    /// caller asks for them. A caller that asks for something else instead gets it after
    /// the answers of what was sent ahead have been read and dropped (the caller promised
    /// not to do that: the host may already have run them).
    func run(_ command: RemoteCommand, then following: [RemoteCommand] = []) async throws -> RemoteResult {
        await acquire()
        defer { release() }
        guard !isBroken else { throw TransportError(.failed, "the task runner stopped") }
        let token: String
        if let ahead = sentAhead.first, ahead.command == command {
            sentAhead.removeFirst()
            token = ahead.token
        } else {
            try await dropSentAhead()
            token = write(command, onlyAfterSuccess: false)
        }
        sendAhead(following)
        let answer = try await readAnswer(token: token, keeping: command.outputLimit ?? Int.max)
        guard answer.ran else {
            throw TransportError(.failed, "not run: the command sent before it on this host failed")
        }
        let seconds = Self.timeoutSeconds(command)
        if seconds > 0 && timeoutAvailable == true && (answer.result.exitCode == 124 || answer.result.exitCode == 137) {
            throw TransportError(.timedOut, "command timed out after \(seconds)s")
        }
        return answer.result
    }

    /// Writes one request: a call of `__fleet_task` with a random token, the timeout,
    /// become, whether it runs only after the previous request exited 0, and the command.
    private func write(_ command: RemoteCommand, onlyAfterSuccess: Bool) -> String {
        // 128 random bits in two draws (each draw is a getrandom call; this runs per task).
        var random = SystemRandomNumberGenerator()
        let token = Digits.hex(random.next() as UInt64, width: 16) + Digits.hex(random.next() as UInt64, width: 16)
        let call = "__fleet_task \(token) \(Self.timeoutSeconds(command)) \(command.become ? 1 : 0) "
            + "\(onlyAfterSuccess ? 1 : 0) \(ShellQuoting.quote(command.command))\n"
        input.write(Array(call.utf8))
        return token
    }

    /// Appends to what was sent ahead the part of `following` not already sent.
    private func sendAhead(_ following: [RemoteCommand]) {
        for (index, ahead) in sentAhead.enumerated() {
            // Already on its way, or a different plan than last time: then send nothing more.
            guard index < following.count, ahead.command == following[index] else { return }
        }
        for command in following.dropFirst(sentAhead.count) {
            sentAhead.append(SentAhead(token: write(command, onlyAfterSuccess: true), command: command))
        }
    }

    /// Reads and drops the answers of requests sent ahead that the caller did not ask for.
    private func dropSentAhead() async throws {
        while let ahead = sentAhead.first {
            sentAhead.removeFirst()
            _ = try await readAnswer(token: ahead.token, keeping: 0)
        }
    }

    private func readAnswer(token: String, keeping limit: Int) async throws -> AnswerReader.Answer {
        _ = try await greeting()
        var reader = self.reader
        defer { self.reader = reader }
        // Ctrl-C (the caller cancelled) closes the runner's channel: the answer never comes,
        // and the runner is not reused (a later task would read this one's output).
        let answer = await withTaskCancellationHandler {
            await reader.answer(token: Array(token.utf8), keeping: limit)
        } onCancel: { [exit] in
            exit.cancel()
        }
        guard let answer else {
            isBroken = true
            sentAhead.removeAll()
            if Task.isCancelled { throw CancellationError() }
            throw TransportError(.failed, "the task runner on the host ended while running the command "
                                 + "(did the command kill its parent shell?)")
        }
        return answer
    }

    private static func timeoutSeconds(_ command: RemoteCommand) -> Int {
        command.timeout.map { max(1, Int($0.rounded(.up))) } ?? 0
    }

    /// Ends the runner. A command still running (the run was interrupted) gets a hangup; an
    /// idle runner ends by itself at the end of its input, which leaves alone what earlier
    /// tasks started in the background.
    func stop() async {
        isBroken = true
        input.close()
        if busy { exit.cancel() }
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

/// Cuts the runner's two streams at a task's token, keeping at most a limit of each.
///
/// Both streams are consumed as they arrive (a task flooding stderr while stdout is
/// awaited must not pile up), holding back only the last bytes that could be the start
/// of the token.
struct AnswerReader: Sendable {
    private var output: CommandOutputStream.AsyncIterator
    private var pending: [OutputStreamKind: [UInt8]] = [.stdout: [], .stderr: []]

    init(output: CommandOutputStream.AsyncIterator) {
        self.output = output
    }

    /// The runner's greeting line (`FLEET-RUNNER-READY 0|1`), skipping the stdout lines
    /// before it; nil when the output ends first.
    mutating func greeting() async -> String? {
        while true {
            while let newline = pending[.stdout]!.firstIndex(of: 10) {
                let line = String(decoding: pending[.stdout]![..<newline], as: UTF8.self)
                pending[.stdout]!.removeFirst(newline + 1)
                if line.hasPrefix("FLEET-RUNNER-READY ") { return line }
            }
            guard let (stream, bytes) = await output.next() else { return nil }
            pending[stream]! += bytes
        }
    }

    /// One request's answer; `ran` is false when the runner skipped it because the request
    /// before it in a chain failed.
    struct Answer: Sendable {
        var result: RemoteResult
        var ran: Bool
    }

    /// Reads one task's answer: stdout up to `token` then ` rc\n` (` -\n` when it did not
    /// run), stderr up to `token\n`.
    mutating func answer(token: [UInt8], keeping limit: Int) async -> Answer? {
        var result = RemoteResult(exitCode: nil)
        var outDone = false
        var errDone = false
        var rcText: [UInt8]?
        var errNewlineSeen = false
        while true {
            if !outDone, let end = cut(.stdout, token, into: &result.stdout, dropped: &result.stdoutDropped, limit: limit) {
                outDone = true
                pending[.stdout]!.removeFirst(end)
            }
            if outDone && rcText == nil, let newline = pending[.stdout]!.firstIndex(of: 10) {
                rcText = Array(pending[.stdout]![..<newline])
                pending[.stdout]!.removeFirst(newline + 1)
            }
            if !errDone, let end = cut(.stderr, token, into: &result.stderr, dropped: &result.stderrDropped, limit: limit) {
                errDone = true
                pending[.stderr]!.removeFirst(end)
            }
            // The newline after the stderr token may arrive in a later chunk.
            if errDone && !errNewlineSeen, let first = pending[.stderr]!.first {
                if first == 10 { pending[.stderr]!.removeFirst() }
                errNewlineSeen = true
            }
            if outDone && errNewlineSeen, let rcText {
                let text = String(decoding: rcText, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                result.exitCode = Int32(text)
                return Answer(result: result, ran: text != "-")
            }
            guard let (stream, bytes) = await output.next() else { return nil }
            pending[stream]! += bytes
        }
    }

    /// Moves the bytes of `stream` that certainly precede the token into `kept`/`dropped`;
    /// returns the index just past the token once it is in the buffer (consumed bytes removed).
    private mutating func cut(_ stream: OutputStreamKind, _ token: [UInt8], into kept: inout [UInt8],
                              dropped: inout Int, limit: Int) -> Int? {
        let buffer = pending[stream]!
        if let start = Self.find(token, in: buffer) {
            OutputLimit.keep(buffer[..<start], in: &kept, dropped: &dropped, limit: limit)
            pending[stream]!.removeFirst(start)
            return token.count
        }
        let safe = max(0, buffer.count - (token.count - 1))
        if safe > 0 {
            OutputLimit.keep(buffer[..<safe], in: &kept, dropped: &dropped, limit: limit)
            pending[stream]!.removeFirst(safe)
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            guard let next = haystack[index...].firstIndex(of: first), next <= haystack.count - needle.count else { return nil }
            if haystack[next..<next + needle.count].elementsEqual(needle) { return next }
            index = next + 1
        }
        return nil
    }
}
