import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The accounts lab hosts log in to, shared by every lab on the machine.
///
/// `fleet` has a clean home (no shell customisations that would change command output) and
/// passwordless sudo; `fleetpw` has a password and sudo that asks for it, so password
/// authentication and `sudo -S` can be tested. Both are created once and reused by all labs,
/// which is why `fleetpw`'s password lives in one machine-wide file copied into each lab.
enum LabAccounts {
    static let keyUser = "fleet"
    static let passwordUser = "fleetpw"
    static let sudoersFile = URL(fileURLWithPath: "/etc/sudoers.d/fleet-lab")
    static let passwordStore = URL(fileURLWithPath: "/var/lib/fleet-lab/fleetpw.password")

    static var sudoersText: String {
        """
        # Written by `fleet lab up`; removed by `fleet lab down` when no lab is left.
        \(keyUser) ALL=(ALL:ALL) NOPASSWD: ALL
        \(passwordUser) ALL=(ALL:ALL) ALL

        """
    }

    /// Creates both accounts and the sudoers rule if missing; returns `fleetpw`'s password.
    static func ensure() throws -> String {
        let createdKeyUser = try ensureAccount(keyUser)
        // useradd leaves "!" in the password field, which sshd treats as a locked account
        // and refuses even for key logins; "*" means "no password" without locking.
        if createdKeyUser || shadowField(of: keyUser)?.hasPrefix("!") == true {
            try ExternalCommand.run("usermod", ["-p", "*", keyUser])
        }
        let createdPasswordUser = try ensureAccount(passwordUser)
        var password = AtomicFile.read(passwordStore)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if password.isEmpty || createdPasswordUser || shadowField(of: passwordUser)?.hasPrefix("!") == true {
            if password.isEmpty { password = randomPassword() }
            try AtomicFile.write(password + "\n", to: passwordStore, mode: 0o600)
            try ExternalCommand.run("chpasswd", [], input: "\(passwordUser):\(password)\n")
        }
        try ensureSudoers()
        return password
    }

    static func removeSudoers() {
        try? FileManager.default.removeItem(at: sudoersFile)
    }

    private static func ensureAccount(_ name: String) throws -> Bool {
        guard getpwnam(name) == nil else { return false }
        try ExternalCommand.run("useradd", ["-m", "-s", "/bin/sh", name])
        return true
    }

    private static func ensureSudoers() throws {
        guard AtomicFile.read(sudoersFile) != sudoersText else { return }
        // A broken sudoers file disables sudo for everyone, so validate before installing.
        let candidate = sudoersFile.deletingLastPathComponent().appendingPathComponent(".fleet-lab.check")
        try AtomicFile.write(sudoersText, to: candidate, mode: 0o440)
        defer { try? FileManager.default.removeItem(at: candidate) }
        try ExternalCommand.run("visudo", ["-c", "-q", "-f", candidate.path])
        try AtomicFile.write(sudoersText, to: sudoersFile, mode: 0o440)
    }

    /// The password field of `user` in /etc/shadow, or nil when unreadable.
    private static func shadowField(of user: String) -> String? {
        guard let shadow = AtomicFile.read(URL(fileURLWithPath: "/etc/shadow")) else { return nil }
        for line in shadow.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 1, fields[0] == user { return String(fields[1]) }
        }
        return nil
    }

    private static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Name of the user running fleet, who owns a loopback lab.
    static var currentUser: String {
        guard let entry = getpwuid(geteuid()) else { return ProcessInfo.processInfo.environment["USER"] ?? "nobody" }
        return String(cString: entry.pointee.pw_name)
    }
}
