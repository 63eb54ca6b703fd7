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
    ///
    /// The port is random below Linux's ephemeral range (32768 and up), where the suite's own
    /// outgoing connections take their local ports; when it is taken anyway sshd cannot bind
    /// and another one is tried (a CI run once failed on a refused connection for that).
    init(_ settings: [String]) throws {
        folder = try LabSupport.temporaryDirectory()
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N '' -f \(folder.path)/host_key")
        var started: Int?
        for _ in 0..<5 where started == nil {
            let candidate = Int.random(in: 20000...32000)
            let lines = ["ListenAddress 127.0.0.1:\(candidate)", "HostKey \(folder.path)/host_key",
                         "PidFile \(folder.path)/sshd.pid"] + settings
            try lines.joined(separator: "\n").write(toFile: folder.path + "/sshd_config", atomically: true, encoding: .utf8)
            try LabSupport.shell("mkdir -p /run/sshd; /usr/sbin/sshd -f \(folder.path)/sshd_config -E \(folder.path)/log")
            if Self.waitForPidFile(in: folder) { started = candidate }
        }
        guard let started else {
            let log = (try? String(contentsOfFile: folder.path + "/log", encoding: .utf8)) ?? ""
            throw StartFailed(log: log)
        }
        port = started
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

    /// Whether sshd wrote its pid file, which it does once it listens, within 2 s. sshd forks
    /// into the background before it binds, so its exit status is 0 even when the port is
    /// taken; then it logs "Cannot bind any address" and writes no pid file.
    private static func waitForPidFile(in folder: URL) -> Bool {
        for _ in 0..<40 {
            if FileManager.default.fileExists(atPath: folder.path + "/sshd.pid") { return true }
            let log = (try? String(contentsOfFile: folder.path + "/log", encoding: .utf8)) ?? ""
            if log.contains("Cannot bind any address") { return false }
            usleep(50_000)
        }
        return false
    }

    /// sshd did not start on any of the ports tried; its log says why.
    struct StartFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "the loopback sshd did not start: \(log)" }
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
