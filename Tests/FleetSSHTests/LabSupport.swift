import FleetLab
import FleetTestSupport
import Foundation
import XCTest
@testable import FleetSSH

/// Shared helpers: the test lab (real sshd hosts) and options that log in to it.
enum LabSupport {
    static func lab(hosts: Int = 3) throws -> Lab {
        try Lab.shared(count: hosts)
    }

    static func options(_ lab: Lab, environment: [String: String] = [:]) -> SSHOptions {
        var options = SSHOptions()
        options.knownHostsFiles = [lab.knownHostsPath.path]
        options.identityFiles = [lab.keyPath.path]
        options.useAgent = false
        options.connectTimeout = 5
        options.credentials = CredentialSource(environment: environment, interactive: false)
        return options
    }

    static func target(_ host: LabHost, user: String? = nil) -> SSHTarget {
        SSHTarget(displayName: host.name, address: host.address, port: host.port, user: user ?? host.user)
    }

    static func connect(_ lab: Lab, host index: Int = 0) async throws -> SSHSession {
        let host = lab.hosts()[index]
        return try await SSHSession.connect(to: target(host), options: options(lab))
    }

    /// Runs `body` on a fresh session to the lab's first host and closes the session afterwards,
    /// also when `body` throws: no session is left closing while the test process exits.
    static func withSession(_ lab: Lab, _ body: (SSHSession) async throws -> Void) async throws {
        try await using(try await connect(lab), body)
    }

    /// Runs `body` on `session` and closes it afterwards, also when `body` throws.
    static func using(_ session: SSHSession, _ body: (SSHSession) async throws -> Void) async throws {
        do {
            try await body(session)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    /// A scratch folder, removed when the test run exits.
    static func temporaryDirectory() throws -> URL {
        try ScratchFolder.make(prefix: "fleet-ssh")
    }

    /// Runs a local program and returns its stdout.
    @discardableResult
    static func shell(_ command: String) throws -> String {
        try LocalShell.run(command).stdout
    }

    /// SHA-256 of a local file, hex.
    static func sha256(file path: String) throws -> String {
        String(try shell("sha256sum '\(path)'").prefix(64))
    }
}
