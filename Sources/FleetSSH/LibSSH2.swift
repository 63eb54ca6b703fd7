import CLibSSH2
import Foundation

/// Process-wide libssh2 facts: one-time initialisation, version, error text.
enum LibSSH2 {
    /// `libssh2_init` keeps global state and is not thread-safe, so it runs exactly once,
    /// through Swift's thread-safe lazy `static let`, before any session exists.
    private static let initialised: Void = {
        let rc = libssh2_init(0)
        precondition(rc == 0, "libssh2_init failed (\(rc))")
        // A peer closing a socket mid-write must be an error return, not a process kill.
        signal(SIGPIPE, SIG_IGN)
    }()

    static func initialise() { _ = initialised }

    /// The libssh2 this process is linked against, e.g. "1.10.0".
    static var version: String { String(cString: libssh2_version(0)) }

    /// libssh2 before 1.11 signs only with `ssh-rsa` (SHA-1), which OpenSSH 8.8+ refuses.
    static var signsRSAWithSHA2: Bool { libssh2_version(0x010B00) != nil }

    /// The session's last error as (code, message).
    static func lastError(_ session: OpaquePointer) -> (code: Int32, message: String) {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? "unknown error"
        return (code, text)
    }

    /// Error codes that mean the transport itself is gone: the session cannot be used again.
    static func isTransportFailure(_ code: Int32) -> Bool {
        switch code {
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_DECRYPT,
             LIBSSH2_ERROR_BAD_USE, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND,
             LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_PROTO, LIBSSH2_ERROR_INVALID_MAC:
            return true
        default:
            return false
        }
    }
}

/// A value handed to the session queue while its owner awaits; only ever touched there.
struct QueueConfined<T>: @unchecked Sendable {
    let value: T
}
