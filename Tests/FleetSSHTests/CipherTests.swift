import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// Every cipher fleet's libssh2 and OpenSSH's sshd share carries bytes exactly, both ways.
///
/// fleet's libssh2 encrypts and decrypts whole packets in one OpenSSL call, where upstream goes
/// 16 bytes at a time (`Sources/CLibSSH2/libssh2/README.md`). That is only right if the cipher
/// context carries its chaining state from one call to the next, which differs between CTR and
/// CBC; a mistake shows as a MAC error or garbled bytes. So each cipher gets an sshd of its own
/// that offers nothing else, and a megabyte goes up and comes back three ways: SFTP, a channel's
/// stdin, and a channel's stdout.
final class CipherTests: XCTestCase {
    /// `ssh -Q cipher` of OpenSSH 9.2 and libssh2 1.10's list, intersected.
    static let sharedCiphers = ["aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"]

    func testEverySharedCipherCarriesBytesExactlyBothWays() async throws {
        let lab = try LabSupport.lab()
        // Not a multiple of any block size, so the last packets are of odd lengths too.
        let payload = (0..<(1 << 20) + 13).map { _ in UInt8.random(in: 0...255) }
        let expectedDigest = try digest(of: payload)
        for cipher in Self.sharedCiphers {
            do {
                try await withServer(offering: cipher, lab: lab) { session in
                    try await roundTrip(payload, digest: expectedDigest, through: session, cipher: cipher)
                }
            } catch {
                XCTFail("\(cipher): \(error)")
            }
        }
    }

    private func roundTrip(_ payload: [UInt8], digest expectedDigest: String, through session: SSHSession,
                           cipher: String) async throws {
        let remote = "/tmp/fleet-cipher-\(cipher)-\(UUID().uuidString)"
        try await session.upload(payload, to: remote)
        let sum = try await session.run("sha256sum < \(remote)")
        XCTAssertEqual(String(sum.stdoutText.prefix(64)), expectedDigest, "\(cipher): SFTP upload")

        let back = try await session.run("cat \(remote); rm -f \(remote)")
        XCTAssertEqual(back.status.code, 0, "\(cipher): \(back.stderrText)")
        XCTAssertTrue(back.stdout == payload, "\(cipher): stdout came back with \(back.stdout.count) bytes, not the payload")

        let echoed = try await session.run("cat", stdin: payload)
        XCTAssertTrue(echoed.stdout == payload, "\(cipher): stdin echoed back with \(echoed.stdout.count) bytes, not the payload")
    }

    /// Starts an sshd on loopback that offers only `cipher`, logs in to it with the lab's password
    /// user, runs `body`, and stops the sshd.
    private func withServer(offering cipher: String, lab: Lab, _ body: (SSHSession) async throws -> Void) async throws {
        let server = try LoopbackSSHD.passwordOnly(["Ciphers \(cipher)"])
        defer { server.stop() }
        try await LabSupport.using(try await server.connectAsPasswordUser(lab), body)
    }

    private func digest(of bytes: [UInt8]) throws -> String {
        let folder = try LabSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("payload")
        try Data(bytes).write(to: file)
        return try LabSupport.sha256(file: file.path)
    }
}
