/// How a remote command ended.
public struct ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The exit code, nil when the command was killed by a signal or no status arrived.
    public var code: Int32?
    /// The signal name without "SIG" (e.g. "KILL"), when killed by one.
    public var signal: String?

    public init(code: Int32?, signal: String? = nil) {
        self.code = code
        self.signal = signal
    }

    public var succeeded: Bool { code == 0 && signal == nil }

    public var description: String {
        if let signal { return "signal \(signal)" }
        if let code { return "rc=\(code)" }
        return "no exit status"
    }
}

/// A finished command with all of its output.
public struct CommandResult: Sendable, Hashable {
    public var status: ExitStatus
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
