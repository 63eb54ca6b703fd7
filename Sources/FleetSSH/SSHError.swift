import Foundation

/// Everything that can go wrong talking to one host, with the words an operator needs.
///
/// Connection-phase failures (`isUnreachable`) mean the host was never usable; the rest
/// happen on a working connection and concern one command or transfer.
public enum SSHError: Error, LocalizedError, Sendable, Equatable {
    case resolveFailed(host: String, reason: String)
    case connectTimedOut(host: String, port: Int, seconds: Double)
    case connectFailed(host: String, port: Int, reason: String)
    case handshakeFailed(reason: String)
    case hostKeyMismatch(HostKeyMismatch)
    case hostKeyUnknown(host: String, port: Int, keyType: String, fingerprint: String, knownHostsFiles: [String])
    case authenticationFailed(user: String, host: String, tried: [String], serverMethods: [String])
    case rsaKeyRefused(user: String, host: String, keyPath: String, libssh2Version: String)
    case credentialRequired(what: String, environmentVariable: String)
    case commandTimedOut(seconds: Double)
    case connectionLost(reason: String)
    /// The connection was found dead when a command was about to start: nothing ran, so the
    /// command may safely be retried on a new connection.
    case droppedBeforeStart(reason: String)
    case channelFailed(reason: String)
    case sftpFailed(operation: String, path: String, reason: String)
    case operationTimedOut(what: String, seconds: Double)
    case cancelled

    /// The host could not be reached or logged in to: it counts as unreachable, not failed.
    public var isUnreachable: Bool {
        switch self {
        case .resolveFailed, .connectTimedOut, .connectFailed, .handshakeFailed, .hostKeyMismatch,
             .hostKeyUnknown, .authenticationFailed, .rsaKeyRefused, .credentialRequired, .connectionLost,
             .droppedBeforeStart, .operationTimedOut:
            return true
        case .commandTimedOut, .channelFailed, .sftpFailed, .cancelled:
            return false
        }
    }

    public var errorDescription: String? {
        switch self {
        case .resolveFailed(let host, let reason):
            return "cannot resolve \(host): \(reason)"
        case .connectTimedOut(let host, let port, let seconds):
            return "connect to \(host) port \(port) timed out after \(Self.format(seconds))"
        case .connectFailed(let host, let port, let reason):
            return "connect to \(host) port \(port) failed: \(reason)"
        case .handshakeFailed(let reason):
            return "SSH handshake failed: \(reason)"
        case .hostKeyMismatch(let mismatch):
            return mismatch.description
        case .hostKeyUnknown(let host, let port, let type, let fingerprint, let files):
            let name = port == 22 ? host : "[\(host)]:\(port)"
            return """
                host key of \(name) is not known (\(type) \(fingerprint)); strict host key checking refused it. \
                Check the fingerprint, then add it to \(files.first ?? "~/.ssh/known_hosts") \
                (e.g. ssh-keyscan -p \(port) \(host) >> \(files.first ?? "~/.ssh/known_hosts")), \
                or set host_key_checking: accept-new in the inventory to trust new hosts on first use.
                """
        case .authenticationFailed(let user, let host, let tried, let methods):
            let triedText = tried.isEmpty ? "nothing that the server accepts" : tried.joined(separator: ", ")
            return """
                authentication failed for \(user)@\(host): tried \(triedText); \
                the server accepts \(methods.isEmpty ? "no method we know" : methods.joined(separator: ","))
                """
        case .rsaKeyRefused(let user, let host, let keyPath, let version):
            return """
                the server refused RSA key \(keyPath) for \(user)@\(host): libssh2 \(version) signs RSA only with \
                ssh-rsa (SHA-1), which OpenSSH 8.8 and newer reject. Use an ed25519 or ecdsa key \
                (ssh-keygen -t ed25519), or build fleet with FLEET_SYSTEM_LIBSSH2=1 against a system libssh2 1.11 or newer.
                """
        case .credentialRequired(let what, let variable):
            return "\(what) is needed but there is no terminal to ask on; set \(variable)"
        case .commandTimedOut(let seconds):
            return "command timed out after \(Self.format(seconds))"
        case .connectionLost(let reason), .droppedBeforeStart(let reason):
            return "connection lost: \(reason)"
        case .channelFailed(let reason):
            return "cannot run command: \(reason)"
        case .sftpFailed(let operation, let path, let reason):
            return "SFTP \(operation) \(path) failed: \(reason)"
        case .operationTimedOut(let what, let seconds):
            return "\(what) timed out after \(Self.format(seconds))"
        case .cancelled:
            return "cancelled"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
    }
}

/// A host presenting a different key than the one on record: the classic sign of a
/// reinstalled machine or an interception. Carries what the operator needs to decide.
public struct HostKeyMismatch: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var keyType: String
    public var expectedFingerprint: String
    public var presentedFingerprint: String
    public var knownHostsFile: String
    public var knownHostsLine: Int

    public var description: String {
        let name = port == 22 ? host : "[\(host)]:\(port)"
        return """
            HOST KEY MISMATCH for \(name): refused before authentication, nothing was run.
              expected \(keyType) \(expectedFingerprint) (\(knownHostsFile):\(knownHostsLine))
              presented \(keyType) \(presentedFingerprint)
            If the host was reinstalled, remove the old key with: ssh-keygen -R '\(name)' -f \(knownHostsFile)
            """
    }
}
