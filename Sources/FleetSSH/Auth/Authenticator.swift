import CLibSSH2
import Foundation

/// Logs in on a fresh session, in the order OpenSSH users expect: ssh-agent, key files,
/// then password and keyboard-interactive. Explains failures, RSA with libssh2 1.10 above all.
struct Authenticator {
    let target: SSHTarget
    let options: SSHOptions
    /// The key files to offer, in order (the inventory's key first), read before login.
    let keys: [IdentityKey]

    /// Each libssh2 login call is a round trip or two to the server, so nothing is asked that
    /// the login does not need: with a key (or an agent) at hand the key is offered at once,
    /// and the server's list of methods (the "none" request) is fetched only when no key
    /// logged in and a password is the next thing to try, or to name the methods in the error.
    func authenticate(_ session: SSHSession) async throws {
        let user = target.user
        let useAgent = options.useAgent && options.agentSocket != nil
        var methods: [String]?
        if !useAgent && keys.isEmpty {
            let offered = try await serverMethods(session)
            if offered.isEmpty { return }  // the "none" method was accepted
            methods = offered
        }
        // What the key attempts tried, kept apart: a server that turns out not to offer
        // publickey at all was not refused those keys, so they are not named.
        var triedKeys: [String] = []
        var refusedRSAKey: String?

        if methods?.contains("publickey") ?? true {
            if useAgent, try await tryAgent(session, tried: &triedKeys) {
                return
            }
            for candidate in keys {
                let path = candidate.path
                guard let key = candidate.file else {
                    triedKeys.append("key \(path) (\(candidate.missing ? "no such file" : "unreadable"))")
                    continue
                }
                let passphrase = key.encrypted ? try options.credentials.passphrase(for: path) : nil
                let rc = try await session.call("authentication", timeout: options.loginTimeout) { raw -> Int32? in
                    let rc = libssh2_userauth_publickey_fromfile_ex(
                        raw, user, UInt32(user.utf8.count), nil, path, passphrase)
                    if rc == LIBSSH2_ERROR_EAGAIN { return nil }
                    if rc < 0 && LibSSH2.isTransportFailure(rc) { throw SSHSession.error(rc, raw, "authentication") }
                    return rc
                }
                if rc == 0 { return }
                if rc == LIBSSH2_ERROR_FILE {
                    triedKeys.append(key.encrypted ? "key \(path) (wrong passphrase?)" : "key \(path) (unusable file)")
                } else {
                    triedKeys.append("key \(path)")
                    if key.algorithm == .rsa && !LibSSH2.signsRSAWithSHA2 { refusedRSAKey = path }
                }
            }
        }
        let serverOffers: [String]
        if let methods {
            serverOffers = methods
        } else {
            serverOffers = try await serverMethods(session)
            if serverOffers.isEmpty { return }
        }
        var tried: [String] = []
        if serverOffers.contains("publickey") {
            tried = triedKeys
        } else {
            refusedRSAKey = nil
        }

        let wantsPassword = serverOffers.contains("password") || serverOffers.contains("keyboard-interactive")
        if wantsPassword, let password = options.credentials.password(user: user, host: target.displayName) {
            if serverOffers.contains("password"), try await passwordLogin(session, password) { return }
            if serverOffers.contains("keyboard-interactive"), try await keyboardInteractive(session, password) { return }
            tried.append("password")
        }

        if let refusedRSAKey {
            throw SSHError.rsaKeyRefused(user: user, host: target.displayName, keyPath: refusedRSAKey,
                                         libssh2Version: LibSSH2.version)
        }
        throw SSHError.authenticationFailed(user: user, host: target.displayName, tried: tried,
                                            serverMethods: serverOffers)
    }

    /// The methods the server accepts, from a "none" login request (one round trip); empty
    /// when that request itself logged in.
    private func serverMethods(_ session: SSHSession) async throws -> [String] {
        let user = target.user
        return try await session.call("authentication", timeout: options.loginTimeout) { raw in
            let list = user.withCString { libssh2_userauth_list(raw, $0, UInt32(strlen($0))) }
            if let list { return String(cString: list).split(separator: ",").map(String.init) }
            if libssh2_userauth_authenticated(raw) == 1 { return [] }
            return try SSHSession.check(Optional<UnsafeMutablePointer<CChar>>.none, raw, "authentication").map { _ in [] }
        }
    }

    private func passwordLogin(_ session: SSHSession, _ password: String) async throws -> Bool {
        let user = target.user
        return try await session.call("authentication", timeout: options.loginTimeout) { raw -> Bool? in
            let rc = libssh2_userauth_password_ex(raw, user, UInt32(user.utf8.count), password,
                                                  UInt32(password.utf8.count), nil)
            if rc == LIBSSH2_ERROR_EAGAIN { return nil }
            if rc < 0 && LibSSH2.isTransportFailure(rc) { throw SSHSession.error(rc, raw, "authentication") }
            return rc == 0
        }
    }

    /// Answers every keyboard-interactive prompt with the password (what OpenSSH's PAM prompts ask).
    private func keyboardInteractive(_ session: SSHSession, _ password: String) async throws -> Bool {
        let user = target.user
        let secret = strdup(password)
        defer { free(secret) }
        let boxed = QueueConfined(value: secret)
        return try await session.call("authentication", timeout: options.loginTimeout) { raw -> Bool? in
            clibssh2_set_abstract(raw, boxed.value)
            defer { clibssh2_set_abstract(raw, nil) }
            let rc = user.withCString { clibssh2_userauth_kbdint(raw, $0, UInt32(strlen($0))) }
            if rc == LIBSSH2_ERROR_EAGAIN { return nil }
            if rc < 0 && LibSSH2.isTransportFailure(rc) { throw SSHSession.error(rc, raw, "authentication") }
            return rc == 0
        }
    }

    /// Offers each agent identity in turn. The agent socket is local and answers at once, so its
    /// blocking calls are acceptable on the session queue.
    private func tryAgent(_ session: SSHSession, tried: inout [String]) async throws -> Bool {
        let user = target.user
        let fd = session.socket
        let agentSocket = options.agentSocket
        let (accepted, offered) = try await session.call("agent authentication", timeout: options.loginTimeout) {
            raw -> (Bool, Int)? in
            guard let agent = libssh2_agent_init(raw) else { return (false, 0) }
            defer { libssh2_agent_disconnect(agent); libssh2_agent_free(agent) }
            if let agentSocket { libssh2_agent_set_identity_path(agent, agentSocket) }
            guard libssh2_agent_connect(agent) == 0, libssh2_agent_list_identities(agent) == 0 else { return (false, 0) }
            var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            var offered = 0
            while libssh2_agent_get_identity(agent, &identity, previous) == 0 {
                offered += 1
                var rc: Int32
                repeat {
                    rc = libssh2_agent_userauth(agent, user, identity)
                    if rc == LIBSSH2_ERROR_EAGAIN { Self.waitSocket(fd) }
                } while rc == LIBSSH2_ERROR_EAGAIN
                if rc == 0 { return (true, offered) }
                previous = identity
            }
            return (false, offered)
        }
        if !accepted && offered > 0 { tried.append("agent (\(offered) key\(offered == 1 ? "" : "s"))") }
        return accepted
    }

    /// The agent sign-and-send cannot be resumed across pump calls (its identity pointers
    /// belong to the agent handle), so it waits on the socket briefly in place.
    private static func waitSocket(_ fd: Int32) {
        var fds = pollfd(fd: fd, events: Int16(POLLIN | POLLOUT), revents: 0)
        _ = poll(&fds, 1, 100)
    }
}

