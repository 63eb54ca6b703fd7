import Foundation

/// Where passphrases and passwords come from: the environment, else one prompt on the
/// terminal per secret (cached), else a clear error naming the variable to set.
///
/// Never waits on a prompt without a terminal: CI has no stdin.
public final class CredentialSource: @unchecked Sendable {
    public static let shared = CredentialSource()

    private let lock = NSLock()
    private var cache: [String: String] = [:]
    private let environment: [String: String]
    private let interactive: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                interactive: Bool = isatty(STDIN_FILENO) == 1) {
        self.environment = environment
        self.interactive = interactive
    }

    /// The passphrase for an encrypted key file: `FLEET_KEY_PASSPHRASE`, or a prompt.
    func passphrase(for keyPath: String) throws -> String {
        if let value = environment["FLEET_KEY_PASSPHRASE"] { return value }
        return try prompt(key: "passphrase:" + keyPath, text: "Enter passphrase for key \(keyPath): ",
                          what: "the passphrase for key \(keyPath)", variable: "FLEET_KEY_PASSPHRASE")
    }

    /// The login password: `FLEET_PASSWORD`, a prompt, or nil when neither is possible.
    func password(user: String, host: String) -> String? {
        if let value = environment["FLEET_PASSWORD"] { return value }
        return try? prompt(key: "password", text: "Password for \(user)@\(host): ",
                           what: "a password", variable: "FLEET_PASSWORD")
    }

    private func prompt(key: String, text: String, what: String, variable: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[key] { return cached }
        guard interactive, let answer = getpass(text) else {
            throw SSHError.credentialRequired(what: what, environmentVariable: variable)
        }
        let value = String(cString: answer)
        cache[key] = value
        return value
    }
}
