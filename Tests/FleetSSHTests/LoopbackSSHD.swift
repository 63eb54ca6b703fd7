import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// A throwaway sshd on 127.0.0.1 with settings of the test's own (one cipher only, DEBUG logs,
/// keyboard-interactive only, ...), for the login it makes, with a known_hosts file for it and a
/// log in its folder. `stop()` ends it.
struct LoopbackSSHD {
    let folder: URL
    let port: Int

    /// - Parameter settings: `sshd_config` lines beyond the address, host key and pid file.
    init(_ settings: [String]) throws {
        folder = try LabSupport.temporaryDirectory()
        port = Int.random(in: 30000...40000)
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N '' -f \(folder.path)/host_key")
        let lines = ["ListenAddress 127.0.0.1:\(port)", "HostKey \(folder.path)/host_key", "PidFile \(folder.path)/sshd.pid"] + settings
        try lines.joined(separator: "\n").write(toFile: folder.path + "/sshd_config", atomically: true, encoding: .utf8)
        try LabSupport.shell("mkdir -p /run/sshd; /usr/sbin/sshd -f \(folder.path)/sshd_config -E \(folder.path)/log")
        let key = try String(contentsOfFile: folder.path + "/host_key.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(port) \(key)\n".write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
    }

    /// An sshd where only the lab's password user logs in, with a password: for tests of one
    /// server setting (`settings`, e.g. one cipher) that need no keys. Logs at `logLevel`.
    static func passwordOnly(_ settings: [String], logLevel: String = "ERROR") throws -> LoopbackSSHD {
        try LoopbackSSHD(settings + [
            "UsePAM no", "PasswordAuthentication yes", "PubkeyAuthentication no",
            "AllowUsers \(Lab.passwordUser)", "LogLevel \(logLevel)", "Subsystem sftp internal-sftp",
        ])
    }

    /// Logs in to a `passwordOnly` server as the lab's password user, with its password.
    func connectAsPasswordUser(_ lab: Lab) async throws -> SSHSession {
        var options = LabSupport.options(lab, environment: ["FLEET_PASSWORD": try lab.password()])
        options.identityFiles = []
        return try await connect(user: Lab.passwordUser, options: options)
    }

    var knownHostsPath: String { folder.path + "/known_hosts" }

    func target(user: String) -> SSHTarget { SSHTarget(address: "127.0.0.1", port: port, user: user) }

    /// Logs in as `user` with `options` (known hosts set to this server's). sshd daemonises and
    /// may need a moment to listen, so a refused connection is tried again for up to 2 s.
    func connect(user: String, options: SSHOptions) async throws -> SSHSession {
        var options = options
        options.knownHostsFiles = [knownHostsPath]
        for _ in 0..<20 {
            do {
                return try await SSHSession.connect(to: target(user: user), options: options)
            } catch SSHError.connectFailed {
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }
        return try await SSHSession.connect(to: target(user: user), options: options)
    }

    func log() throws -> String {
        try String(contentsOfFile: folder.path + "/log", encoding: .utf8)
    }

    func stop() {
        _ = try? LabSupport.shell("kill $(cat \(folder.path)/sshd.pid)")
        try? FileManager.default.removeItem(at: folder)
    }
}
