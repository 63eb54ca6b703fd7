import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// fleet offers P-256 key exchange first (`KeyExchangeOrder`: OpenSSH's sshd computes it with
/// OpenSSL, curve25519 with slower reference code), and still logs in to a host that allows
/// only one method, whichever it is. What was agreed is read from sshd's own DEBUG log.
final class KeyExchangeTests: XCTestCase {
    /// `ssh -Q kex` of OpenSSH 9.2 without the post-quantum hybrids libssh2 1.10 lacks.
    static let methodsOpenSSHShares = [
        "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
        "curve25519-sha256", "curve25519-sha256@libssh.org",
        "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
        "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1",
    ]

    func testAHostWithOpenSSHsDefaultsAgreesOnP256() async throws {
        let agreed = try await agreedMethod(serverSettings: [])
        XCTAssertEqual(agreed, "ecdh-sha2-nistp256")
    }

    func testAHostThatRefusesNISTCurvesAgreesOnCurve25519() async throws {
        let agreed = try await agreedMethod(serverSettings: ["KexAlgorithms -ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521"])
        XCTAssertEqual(agreed, "curve25519-sha256")
    }

    func testAHostOfferingAnySingleMethodStillLogsIn() async throws {
        for method in Self.methodsOpenSSHShares {
            do {
                let agreed = try await agreedMethod(serverSettings: ["KexAlgorithms \(method)"])
                XCTAssertEqual(agreed, method)
            } catch {
                XCTFail("\(method): \(error)")
            }
        }
    }

    /// Starts an sshd on loopback with `serverSettings`, logs in with the lab's password user,
    /// runs a command, and returns the key exchange method sshd logged.
    private func agreedMethod(serverSettings: [String]) async throws -> String? {
        let lab = try LabSupport.lab()
        let server = try LoopbackSSHD.passwordOnly(serverSettings, logLevel: "DEBUG1")
        defer { server.stop() }
        try await LabSupport.using(try await server.connectAsPasswordUser(lab)) { session in
            let result = try await session.run("echo logged-in")
            XCTAssertEqual(result.stdoutText, "logged-in\n")
        }
        // sshd: "debug1: kex: algorithm: ecdh-sha2-nistp256 [preauth]\r\n"
        let log = try server.log()
        guard let line = log.components(separatedBy: .newlines).first(where: { $0.contains("kex: algorithm: ") }) else {
            XCTFail("sshd logged no key exchange algorithm:\n\(log)")
            return nil
        }
        return line.components(separatedBy: "kex: algorithm: ").last?.split(separator: " ").first.map(String.init)
    }
}
