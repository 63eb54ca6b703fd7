import FleetCore
import FleetSSH
import Foundation

/// What a run and the connection keeper say to each other over the keeper's socket: frames,
/// each request numbered so that the answers for many hosts can come back in any order.
///
/// A connection starts in JSON and stays so until the keeper answers `hello` with `ready`;
/// from then on both sides write the binary form (`KeeperWire+Binary.swift`), which is what
/// every task's request and reply use. The greeting stays JSON, in the shape protocol 1 used
/// for everything, so that builds speaking different protocols still understand `hello`,
/// `otherBuild` and `stop`: a keeper of another build is always told to stop and replaced.
enum KeeperWire {
    /// Raised whenever a message changes shape; a keeper of another version is replaced.
    /// 2: the binary form after `ready` (1 was JSON throughout).
    static let protocolVersion = 2

    /// How a connection's frames are written at a given point (see above).
    enum Form: Sendable {
        case json
        case binary
    }

    static func encode<Frame: KeeperFrame>(_ frame: Frame, as form: Form) throws -> [UInt8] {
        switch form {
        case .json: return Array(try JSONEncoder().encode(frame))
        case .binary: return frame.binary()
        }
    }

    static func decode<Frame: KeeperFrame>(_ type: Frame.Type, from payload: [UInt8], as form: Form) throws -> Frame {
        switch form {
        case .json: return try JSONDecoder().decode(type, from: Data(payload))
        case .binary: return try Frame(binary: payload)
        }
    }
}

/// A message either way, in both forms (`KeeperWire+Binary.swift` has the binary one).
protocol KeeperFrame: Codable {
    func binary() -> [UInt8]
    init(binary bytes: [UInt8]) throws
}

struct RequestFrame: KeeperFrame, Sendable {
    var id: Int
    var request: KeeperRequest
}

struct ReplyFrame: KeeperFrame, Sendable {
    var id: Int
    var reply: KeeperReply
}

enum KeeperRequest: Codable, Sendable {
    /// First words of every client: a keeper built from another binary is told to stop.
    /// `persist`: how long to stay after this run (nil: as before, for `fleet keeper status`).
    case hello(protocolVersion: Int, build: String, persist: Double?)
    /// Borrow a session to `target` for this client, under the number `lease`.
    case open(lease: Int, target: WireTarget, options: WireOptions, runner: Bool)
    case run(lease: Int, command: WireCommand, then: [WireCommand])
    case prepare(lease: Int)
    case upload(lease: Int, bytes: [UInt8], path: String, mode: Int)
    case uploadFile(lease: Int, localPath: String, path: String, mode: Int)
    case download(lease: Int, path: String)
    /// The keeper writes the host's file to `localPath` itself (same user, same machine), so
    /// a large file never passes through either process's memory whole.
    case downloadFile(lease: Int, path: String, localPath: String, become: Bool)
    /// Stop working on request `request` (Ctrl-C): as when a run's own process ends.
    case cancel(request: Int)
    case status
    case stop
    /// The run is done: its sessions go back to the pool before the answer, so that a run
    /// starting right after finds them free.
    case bye
}

enum KeeperReply: Codable, Sendable {
    case ready(pid: Int32)
    case otherBuild(build: String)
    case opened(reused: Bool)
    case result(WireResult)
    case done
    case data([UInt8])
    /// `login`: the host could not be logged in to without a password or passphrase, which the
    /// keeper never holds; the client then logs in itself.
    case failure(kind: WireErrorKind, message: String, login: Bool)
    case status(KeeperStatus)
}

enum WireErrorKind: String, Codable, Sendable {
    case unreachable, timedOut, failed

    init(_ kind: TransportError.Kind) {
        switch kind {
        case .unreachable: self = .unreachable
        case .timedOut: self = .timedOut
        case .failed: self = .failed
        }
    }

    var kind: TransportError.Kind {
        switch self {
        case .unreachable: return .unreachable
        case .timedOut: return .timedOut
        case .failed: return .failed
        }
    }
}

/// `SSHTarget` on the wire.
struct WireTarget: Codable, Sendable, Hashable {
    var displayName: String
    var address: String
    var port: Int
    var user: String

    init(_ target: SSHTarget) {
        displayName = target.displayName
        address = target.address
        port = target.port
        user = target.user
    }

    var target: SSHTarget { SSHTarget(displayName: displayName, address: address, port: port, user: user) }
}

/// The `SSHOptions` a session was opened with: sessions are shared only between runs asking
/// for the same ones (same keys, known_hosts, agent, policy).
struct WireOptions: Codable, Sendable, Hashable {
    var connectTimeout: Double
    var loginTimeout: Double
    var keepaliveInterval: Int
    var hostKeyPolicy: String
    var knownHostsFiles: [String]
    var identityFiles: [String]
    var useAgent: Bool
    var agentSocket: String?

    init(connectTimeout: Double, loginTimeout: Double, keepaliveInterval: Int, hostKeyPolicy: String,
         knownHostsFiles: [String], identityFiles: [String], useAgent: Bool, agentSocket: String?) {
        self.connectTimeout = connectTimeout
        self.loginTimeout = loginTimeout
        self.keepaliveInterval = keepaliveInterval
        self.hostKeyPolicy = hostKeyPolicy
        self.knownHostsFiles = knownHostsFiles
        self.identityFiles = identityFiles
        self.useAgent = useAgent
        self.agentSocket = agentSocket
    }

    init(_ options: SSHOptions) {
        connectTimeout = options.connectTimeout
        loginTimeout = options.loginTimeout
        keepaliveInterval = options.keepaliveInterval
        hostKeyPolicy = options.hostKeyPolicy.rawValue
        knownHostsFiles = options.knownHostsFiles
        identityFiles = options.identityFiles
        useAgent = options.useAgent
        agentSocket = options.agentSocket
    }

    /// The options for the keeper's own login: never a prompt, never a secret from its environment.
    var options: SSHOptions {
        var options = SSHOptions()
        options.connectTimeout = connectTimeout
        options.loginTimeout = loginTimeout
        options.keepaliveInterval = keepaliveInterval
        options.hostKeyPolicy = HostKeyPolicy(rawValue: hostKeyPolicy) ?? .strict
        options.knownHostsFiles = knownHostsFiles
        options.identityFiles = identityFiles
        options.useAgent = useAgent
        options.agentSocket = agentSocket
        options.credentials = CredentialSource(environment: [:], interactive: false)
        return options
    }
}

struct WireCommand: Codable, Sendable {
    var command: String
    var stdin: [UInt8]
    var timeout: Double?
    var become: Bool
    var outputLimit: Int?

    init(command: String, stdin: [UInt8], timeout: Double?, become: Bool, outputLimit: Int?) {
        self.command = command
        self.stdin = stdin
        self.timeout = timeout
        self.become = become
        self.outputLimit = outputLimit
    }

    init(_ command: RemoteCommand) {
        self.init(command: command.command, stdin: command.stdin, timeout: command.timeout, become: command.become,
                  outputLimit: command.outputLimit)
    }

    var remoteCommand: RemoteCommand {
        RemoteCommand(command, stdin: stdin, timeout: timeout, become: become, outputLimit: outputLimit)
    }
}

struct WireResult: Codable, Sendable {
    var exitCode: Int32?
    var signal: String?
    var stdout: [UInt8]
    var stderr: [UInt8]
    var stdoutDropped: Int
    var stderrDropped: Int

    init(exitCode: Int32?, signal: String?, stdout: [UInt8], stderr: [UInt8], stdoutDropped: Int, stderrDropped: Int) {
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutDropped = stdoutDropped
        self.stderrDropped = stderrDropped
    }

    init(_ result: RemoteResult) {
        self.init(exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr,
                  stdoutDropped: result.stdoutDropped, stderrDropped: result.stderrDropped)
    }

    var result: RemoteResult {
        RemoteResult(exitCode: exitCode, signal: signal, stdout: stdout, stderr: stderr,
                     stdoutDropped: stdoutDropped, stderrDropped: stderrDropped)
    }
}

/// What `fleet keeper status` shows.
public struct KeeperStatus: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        /// `user@address:port`.
        public var host: String
        /// The inventory name the session was first opened for.
        public var name: String
        public var lent: Bool
        public var runner: Bool
        public var ageSeconds: Double
        public var idleSeconds: Double
    }

    public var pid: Int32
    public var build: String
    /// Seconds without any run after which the keeper closes everything and exits.
    public var persist: Double
    public var clients: Int
    public var hosts: [Entry]
}
