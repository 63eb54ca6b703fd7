import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// Logging in with keys, passphrases and passwords, and the errors when that fails.
final class AuthTests: XCTestCase {
    /// Authorises an extra public key for the lab users, for the length of one test.
    private func authorize(_ publicKeyPath: String, in lab: Lab) throws -> () -> Void {
        let authorized = lab.directory.appendingPathComponent("authorized_keys").path
        let line = try String(contentsOfFile: publicKeyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try LabSupport.shell("printf '%s\\n' '\(line)' >> \(authorized)")
        return { _ = try? LabSupport.shell("grep -vF '\(line)' \(authorized) > \(authorized).new; cat \(authorized).new > \(authorized); rm -f \(authorized).new") }
    }

    func testUnauthorisedKeyIsRefusedWithAClearError() async throws {
        let lab = try LabSupport.lab()
        let folder = try LabSupport.temporaryDirectory()
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N '' -f \(folder.path)/stranger")
        var options = LabSupport.options(lab)
        options.identityFiles = [folder.path + "/stranger"]
        do {
            _ = try await SSHSession.connect(to: LabSupport.target(lab.hosts()[0]), options: options)
            XCTFail("an unauthorised key must not log in")
        } catch let error as SSHError {
            guard case .authenticationFailed(let user, _, let tried, let methods) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(user, lab.user)
            XCTAssertEqual(tried, ["key \(folder.path)/stranger"])
            XCTAssertTrue(methods.contains("publickey"))
            XCTAssertTrue(error.isUnreachable)
        }
    }

    /// Key files in OpenSSH's own format skip OpenSSL's PEM decoders (a patch to fleet's
    /// libssh2, `patches/93-...`); keys in OpenSSL's PEM format must still go through them.
    /// Each of these files logs in, and a file that only looks like an OpenSSH key fails cleanly.
    func testKeyFilesInOpenSSHAndPEMFormatsLogIn() async throws {
        let lab = try LabSupport.lab()
        let folder = try LabSupport.temporaryDirectory()
        let target = LabSupport.target(lab.hosts()[0])
        let keys: [(name: String, keygen: String, passphrase: String?)] = [
            ("ecdsa-openssh", "-t ecdsa -b 256 -N ''", nil),
            ("ecdsa-pem", "-t ecdsa -b 384 -m PEM -N ''", nil),
            ("ecdsa-openssh-locked", "-t ecdsa -b 521 -N 'open sesame'", "open sesame"),
            ("ed25519-openssh", "-t ed25519 -N ''", nil),
        ]
        for key in keys {
            let path = "\(folder.path)/\(key.name)"
            try LabSupport.shell("ssh-keygen -q \(key.keygen) -f \(path)")
            let header = try LabSupport.shell("head -n 1 \(path)")
            XCTAssertEqual(header.contains("OPENSSH"), key.name.contains("openssh"), "\(key.name): \(header)")
            let cleanup = try authorize(path + ".pub", in: lab)
            defer { cleanup() }
            var options = LabSupport.options(lab, environment: key.passphrase.map { ["FLEET_KEY_PASSPHRASE": $0] } ?? [:])
            options.identityFiles = [path]
            let session = try await SSHSession.connect(to: target, options: options)
            let whoami = try await session.run("whoami")
            await session.close()
            XCTAssertEqual(whoami.stdoutText, "\(lab.user)\n", key.name)
        }

        let fake = "\(folder.path)/fake"
        try LabSupport.shell("printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END OPENSSH PRIVATE KEY-----\\n' > \(fake)")
        var options = LabSupport.options(lab)
        options.identityFiles = [fake]
        do {
            _ = try await SSHSession.connect(to: target, options: options)
            XCTFail("a file that is not a key must not log in")
        } catch SSHError.authenticationFailed(_, _, let tried, _) {
            XCTAssertEqual(tried, ["key \(fake) (unusable file)"])
        }
    }

    func testRSAKeyRefusalExplainsTheLibssh2Limitation() async throws {
        let lab = try LabSupport.lab()
        let folder = try LabSupport.temporaryDirectory()
        try LabSupport.shell("ssh-keygen -q -t rsa -b 2048 -N '' -f \(folder.path)/id_rsa")
        let cleanup = try authorize(folder.path + "/id_rsa.pub", in: lab)
        defer { cleanup() }
        var options = LabSupport.options(lab)
        options.identityFiles = [folder.path + "/id_rsa"]
        do {
            let session = try await SSHSession.connect(to: LabSupport.target(lab.hosts()[0]), options: options)
            await session.close()
            XCTAssertTrue(LibSSH2.signsRSAWithSHA2, "only a libssh2 with rsa-sha2 may log in with RSA here")
        } catch let error as SSHError {
            guard case .rsaKeyRefused(_, _, let path, let version) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, folder.path + "/id_rsa")
            XCTAssertEqual(version, LibSSH2.version)
            let text = error.errorDescription ?? ""
            XCTAssertTrue(text.contains("ed25519") && text.contains("1.11"), text)
        }
    }

    func testPassphraseComesFromTheEnvironmentAndIsRequiredWithoutATerminal() async throws {
        let lab = try LabSupport.lab()
        let folder = try LabSupport.temporaryDirectory()
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N 'correct horse' -f \(folder.path)/locked")
        let cleanup = try authorize(folder.path + "/locked.pub", in: lab)
        defer { cleanup() }
        let target = LabSupport.target(lab.hosts()[0])

        var options = LabSupport.options(lab, environment: ["FLEET_KEY_PASSPHRASE": "correct horse"])
        options.identityFiles = [folder.path + "/locked"]
        let session = try await SSHSession.connect(to: target, options: options)
        let whoami = try await session.run("whoami")
        XCTAssertEqual(whoami.stdoutText, "\(lab.user)\n")
        await session.close()

        options.credentials = CredentialSource(environment: [:], interactive: false)
        do {
            _ = try await SSHSession.connect(to: target, options: options)
            XCTFail("no passphrase and no terminal must fail, not wait")
        } catch let error as SSHError {
            XCTAssertEqual(error, .credentialRequired(what: "the passphrase for key \(folder.path)/locked",
                                                      environmentVariable: "FLEET_KEY_PASSPHRASE"))
        }

        options.credentials = CredentialSource(environment: ["FLEET_KEY_PASSPHRASE": "wrong"], interactive: false)
        do {
            _ = try await SSHSession.connect(to: target, options: options)
            XCTFail("a wrong passphrase must not log in")
        } catch SSHError.authenticationFailed(_, _, let tried, _) {
            XCTAssertEqual(tried, ["key \(folder.path)/locked (wrong passphrase?)"])
        }
    }

    func testPasswordLoginFromTheEnvironment() async throws {
        let lab = try LabSupport.lab()
        let password = try lab.password()
        let target = LabSupport.target(lab.hosts()[0], user: Lab.passwordUser)
        var options = LabSupport.options(lab, environment: ["FLEET_PASSWORD": password])
        options.identityFiles = []
        let session = try await SSHSession.connect(to: target, options: options)
        let whoami = try await session.run("whoami")
        XCTAssertEqual(whoami.stdoutText, "\(Lab.passwordUser)\n")
        await session.close()

        options.credentials = CredentialSource(environment: ["FLEET_PASSWORD": "not it"], interactive: false)
        do {
            _ = try await SSHSession.connect(to: target, options: options)
            XCTFail("a wrong password must not log in")
        } catch SSHError.authenticationFailed(_, _, let tried, _) {
            XCTAssertEqual(tried, ["password"])
        }
    }

    func testBecomeRunsAsRootWithoutAndWithASudoPassword() async throws {
        let lab = try LabSupport.lab()
        let session = try await LabSupport.connect(lab)
        let wrapped = Become.wrap("id -u; whoami", stdin: [], environment: [:])
        let root = try await session.run(wrapped.command, stdin: wrapped.stdin, timeout: 20)
        XCTAssertEqual(root.stdoutText, "0\nroot\n")
        await session.close()

        let password = try lab.password()
        var options = LabSupport.options(lab, environment: ["FLEET_PASSWORD": password])
        options.identityFiles = []
        let passwordSession = try await SSHSession.connect(
            to: LabSupport.target(lab.hosts()[0], user: Lab.passwordUser), options: options)
        // sudo needs fleetpw's password: without it, sudo -n fails at once instead of prompting.
        let refused = Become.wrap("id -u", stdin: [], environment: [:])
        let failure = try await passwordSession.run(refused.command, stdin: refused.stdin, timeout: 20)
        XCTAssertNotEqual(failure.status.code, 0)
        XCTAssertTrue(failure.stderrText.contains("password is required"), failure.stderrText)
        let allowed = Become.wrap("id -u; cat", stdin: Array("input\n".utf8), environment: ["FLEET_BECOME_PASSWORD": password])
        let success = try await passwordSession.run(allowed.command, stdin: allowed.stdin, timeout: 20)
        await passwordSession.close()
        XCTAssertEqual(success.stdoutText, "0\ninput\n")
        XCTAssertFalse(success.stdoutText.contains(password) || success.stderrText.contains(password))
    }
}

extension AuthTests {
    /// Servers that offer only keyboard-interactive (PAM's password prompt) get the password too.
    func testKeyboardInteractiveAnswersThePasswordPrompt() async throws {
        let lab = try LabSupport.lab()
        let password = try lab.password()
        let server = try LoopbackSSHD([
            "UsePAM yes", "PasswordAuthentication no", "KbdInteractiveAuthentication yes", "PubkeyAuthentication no",
            "AllowUsers \(Lab.passwordUser)", "LogLevel ERROR",
        ])
        defer { server.stop() }
        var options = LabSupport.options(lab, environment: ["FLEET_PASSWORD": password])
        options.knownHostsFiles = [server.knownHostsPath]
        options.identityFiles = []
        let target = server.target(user: Lab.passwordUser)
        let connected = try await server.connect(user: Lab.passwordUser, options: options)
        let whoami = try await connected.run("whoami")
        XCTAssertEqual(whoami.stdoutText, "\(Lab.passwordUser)\n")
        await connected.close()

        options.credentials = CredentialSource(environment: ["FLEET_PASSWORD": "wrong"], interactive: false)
        do {
            _ = try await SSHSession.connect(to: target, options: options)
            XCTFail("a wrong password must not log in")
        } catch SSHError.authenticationFailed(_, _, let tried, let methods) {
            XCTAssertEqual(tried, ["password"])
            XCTAssertEqual(methods, ["keyboard-interactive"])
        }
    }
}
