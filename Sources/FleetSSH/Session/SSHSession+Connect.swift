import CLibSSH2
import Foundation

extension SSHSession {
    /// Connects, checks the host key, and logs in.
    ///
    /// - Parameter identityFiles: Keys to try before `options.identityFiles` (the inventory's `key`).
    /// - Throws: `SSHError`; every error here has `isUnreachable == true`.
    public static func connect(
        to target: SSHTarget, options: SSHOptions = SSHOptions(), identityFiles: [String] = []
    ) async throws -> SSHSession {
        LibSSH2.initialise()
        // known_hosts and the key files are read while the TCP connect is in flight.
        async let connected = Connector.connect(to: target, timeout: options.connectTimeout)
        let verifier = HostKeyVerifier(policy: options.hostKeyPolicy, files: options.knownHostsFiles)
        let preference = verifier.preference(for: target)
        var keyPaths = identityFiles
        for key in options.identityFiles where !keyPaths.contains(key) { keyPaths.append(key) }
        let keys = IdentityKey.inspect(keyPaths)
        let fd = try await connected
        let session: SSHSession
        do {
            session = try SSHSession(target: target, socket: fd, keepaliveInterval: options.keepaliveInterval)
        } catch {
            closeDescriptor(fd)
            throw error
        }
        do {
            var preferencesSet = false
            let _: Void = try await session.call("handshake", timeout: options.loginTimeout) { raw in
                if !preferencesSet {
                    try setPreferences(raw, hostKey: preference)
                    preferencesSet = true
                }
                let rc = libssh2_session_handshake(raw, fd)
                if rc == LIBSSH2_ERROR_EAGAIN { return nil }
                if rc < 0 {
                    throw SSHError.handshakeFailed(reason: "\(LibSSH2.lastError(raw).message) (\(rc))")
                }
                try verifier.verify(raw, target: target)
                return ()
            }
            try await Authenticator(target: target, options: options, keys: keys).authenticate(session)
        } catch {
            await session.close()
            throw error
        }
        session.startKeepalive()
        return session
    }

    /// The methods to offer, set once before the handshake starts: the key exchange in
    /// `KeyExchangeOrder`, and the host key types this host is known by (nil: libssh2's order).
    private static func setPreferences(_ raw: OpaquePointer, hostKey: String?) throws {
        if libssh2_session_method_pref(raw, LIBSSH2_METHOD_KEX, KeyExchangeOrder.preference) < 0 {
            throw SSHError.handshakeFailed(reason: "key exchange methods refused: \(LibSSH2.lastError(raw).message)")
        }
        if let hostKey {
            libssh2_session_method_pref(raw, LIBSSH2_METHOD_HOSTKEY, hostKey)
        }
    }
}
