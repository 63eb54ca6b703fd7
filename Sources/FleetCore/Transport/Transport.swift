/// How FleetCore reaches hosts. The real one runs over SSH (FleetConnect); the scheduler's
/// unit tests use an in-memory one. Kept small so both sides stay honest.
public protocol Transport: Sendable {
    /// The open connection to `host`, connecting on first use and reusing it afterwards:
    /// one session per host for the whole run.
    func connection(to host: Host) async throws -> HostConnection
    /// Closes every connection.
    func shutdown() async
}

/// One host's connection, able to run commands and move files.
public protocol HostConnection: Sendable {
    func run(_ command: RemoteCommand) async throws -> RemoteResult
    /// Runs `command`, knowing that `following` come next, in order, each only if the one
    /// before it exits 0. A connection may send them to the host now so that they run back
    /// to back (one round trip for the lot instead of one each); the caller then asks for
    /// each with `run` as usual and must ask for nothing else in between.
    func run(_ command: RemoteCommand, then following: [RemoteCommand]) async throws -> RemoteResult
    /// Gets ready to run commands (e.g. starts a helper on the host), so that the first
    /// task does not wait for it.
    func prepare() async
    /// Writes `bytes` to `path` atomically with `mode`.
    func upload(_ bytes: [UInt8], to path: String, mode: Int) async throws
    /// Reads the whole file at `path`.
    func download(_ path: String) async throws -> [UInt8]
}

extension HostConnection {
    public func run(_ command: RemoteCommand, then following: [RemoteCommand]) async throws -> RemoteResult {
        try await run(command)
    }

    public func prepare() async {}
}

/// A command to run on a host.
public struct RemoteCommand: Sendable, Hashable {
    /// Shell text, run by the login shell (`sh -c` semantics).
    public var command: String
    /// Bytes for the command's standard input, closed afterwards (empty: closed at once).
    public var stdin: [UInt8]
    /// Seconds before the command is abandoned.
    public var timeout: Double?
    /// Run through sudo.
    public var become: Bool
    /// Bytes of each stream kept in memory; the rest is read, counted and dropped, so a host
    /// printing gigabytes cannot exhaust the controller's memory. nil keeps everything.
    public var outputLimit: Int?

    public init(_ command: String, stdin: [UInt8] = [], timeout: Double? = nil, become: Bool = false,
                outputLimit: Int? = nil) {
        self.command = command
        self.stdin = stdin
        self.timeout = timeout
        self.become = become
        self.outputLimit = outputLimit
    }
}

/// What a finished command produced.
public struct RemoteResult: Sendable, Hashable {
    /// Exit code; nil when killed by a signal or when no status came back.
    public var exitCode: Int32?
    /// Signal name without "SIG" when the command was killed by one.
    public var signal: String?
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// Bytes beyond `RemoteCommand.outputLimit` that were read and dropped, per stream.
    public var stdoutDropped: Int
    public var stderrDropped: Int

    public init(exitCode: Int32?, signal: String? = nil, stdout: [UInt8] = [], stderr: [UInt8] = [],
                stdoutDropped: Int = 0, stderrDropped: Int = 0) {
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutDropped = stdoutDropped
        self.stderrDropped = stderrDropped
    }

    public var succeeded: Bool { exitCode == 0 && signal == nil }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// `rc=N`, or `signal KILL`, as shown to people.
    public var statusText: String {
        if let signal { return "signal \(signal)" }
        if let exitCode { return "rc=\(exitCode)" }
        return "no exit status"
    }
}

/// A transport failure, already in words. `unreachable` means the host could not be
/// connected or logged in to (or the connection died), which counts apart from task failures.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case unreachable
        case timedOut
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
