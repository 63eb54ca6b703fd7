import CLibSSH2
import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// known_hosts checking against real host keys.
final class HostKeyTests: XCTestCase {
    func testChangedHostKeyIsRefusedBeforeLoginWithBothFingerprints() async throws {
        let lab = try LabSupport.lab()
        let host = lab.hosts()[0]
        let folder = try LabSupport.temporaryDirectory()
        // A known_hosts that records a different ed25519 key for the host.
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N '' -f \(folder.path)/other")
        let otherKey = try String(contentsOfFile: folder.path + "/other.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = folder.appendingPathComponent("known_hosts").path
        try "# comment\n\(host.address) \(otherKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        var options = LabSupport.options(lab)
        options.knownHostsFiles = [knownHosts]
        options.hostKeyPolicy = .acceptNew  // even accept-new never overrides a changed key
        let marker = "/tmp/fleet-hostkey-marker-\(UUID().uuidString)"
        do {
            let session = try await SSHSession.connect(to: LabSupport.target(host), options: options)
            _ = try await session.run("touch \(marker)")
            XCTFail("a changed host key must be refused")
        } catch let SSHError.hostKeyMismatch(mismatch) {
            XCTAssertEqual(mismatch.knownHostsFile, knownHosts)
            XCTAssertEqual(mismatch.knownHostsLine, 2)
            XCTAssertNotEqual(mismatch.expectedFingerprint, mismatch.presentedFingerprint)
            let otherFingerprint = try LabSupport.shell("ssh-keygen -l -f \(folder.path)/other.pub").split(separator: " ")[1]
            XCTAssertEqual(mismatch.expectedFingerprint, String(otherFingerprint))
            let real = try LabSupport.shell("ssh-keygen -l -f \(lab.knownHostsPath.path) -F \(host.address) | grep -v '^#'")
            XCTAssertTrue(real.contains(mismatch.presentedFingerprint), "presented fingerprint is the host's real key")
            XCTAssertTrue(mismatch.description.contains("ssh-keygen -R"))
        }
        // Nothing ran on the host.
        let check = try await LabSupport.connect(lab)
        let exists = try await check.run("test -e \(marker) && echo yes || echo no")
        XCTAssertEqual(exists.stdoutText, "no\n")
        await check.close()
    }

    func testUnknownHostIsRefusedInStrictModeAndRecordedWithAcceptNew() async throws {
        let lab = try LabSupport.lab()
        let host = lab.hosts()[1]
        let knownHosts = try LabSupport.temporaryDirectory().appendingPathComponent("known_hosts").path
        var options = LabSupport.options(lab)
        options.knownHostsFiles = [knownHosts]
        do {
            _ = try await SSHSession.connect(to: LabSupport.target(host), options: options)
            XCTFail("strict mode must refuse an unknown host")
        } catch let SSHError.hostKeyUnknown(address, _, type, fingerprint, _) {
            XCTAssertEqual(address, host.address)
            XCTAssertEqual(type, "ssh-ed25519")
            XCTAssertTrue(fingerprint.hasPrefix("SHA256:"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: knownHosts))

        options.hostKeyPolicy = .acceptNew
        let first = try await SSHSession.connect(to: LabSupport.target(host), options: options)
        await first.close()
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        XCTAssertTrue(recorded.hasPrefix("\(host.address) ssh-ed25519 "), recorded)
        // The recorded key is now trusted in strict mode, and OpenSSH agrees with the line.
        options.hostKeyPolicy = .strict
        let second = try await SSHSession.connect(to: LabSupport.target(host), options: options)
        await second.close()
        let openssh = try LabSupport.shell("ssh-keygen -F \(host.address) -f \(knownHosts) | grep -c ssh-ed25519")
        XCTAssertEqual(openssh.trimmingCharacters(in: .whitespacesAndNewlines), "1")
    }

    func testHashedKnownHostsEntriesMatch() async throws {
        let lab = try LabSupport.lab()
        let host = lab.hosts()[0]
        let folder = try LabSupport.temporaryDirectory()
        let knownHosts = folder.appendingPathComponent("known_hosts").path
        try LabSupport.shell("grep -v '^#' \(lab.knownHostsPath.path) > \(knownHosts); ssh-keygen -H -f \(knownHosts) >/dev/null 2>&1")
        let text = try String(contentsOfFile: knownHosts, encoding: .utf8)
        XCTAssertTrue(text.contains("|1|"), "ssh-keygen -H hashed the file")
        XCTAssertFalse(text.contains(host.address + " "))
        var options = LabSupport.options(lab)
        options.knownHostsFiles = [knownHosts]
        let session = try await SSHSession.connect(to: LabSupport.target(host), options: options)
        await session.close()
    }

    func testKnownHostsPatternMatching() {
        let entry = KnownHostEntry(marker: .none, patterns: "web*,!web3,[10.0.0.1]:2222", keyType: "ssh-ed25519",
                                   key: [1], file: "f", line: 1)
        XCTAssertTrue(entry.matches("web1"))
        XCTAssertFalse(entry.matches("web3"))
        XCTAssertTrue(entry.matches("[10.0.0.1]:2222"))
        XCTAssertFalse(entry.matches("10.0.0.1"))
        XCTAssertFalse(entry.matches("db1"))
    }

    /// Plain names come from the file's index, the rest line by line; together, in file order,
    /// exactly the lines that match. The file is read again once it changes.
    func testKnownHostsEntriesForANameAreTheMatchingLinesInFileOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("known-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = Data([1, 2, 3]).base64EncodedString()
        let hashed = hashedPattern(for: "web1", salt: Array("0123456789abcdefghij".utf8))
        let lines = [
            "# a comment",
            "web1,db1 ssh-ed25519 \(key)",           // 2: plain, two names
            "web* ssh-ed25519 \(key)",               // 3: wildcard
            "WEB1 ecdsa-sha2-nistp256 \(key)",       // 4: plain, upper case
            "web*,!web1 ssh-ed25519 \(key)",         // 5: negation: not for web1
            "\(hashed) ssh-ed25519 \(key)",          // 6: hashed web1
            "@revoked web1 ssh-ed25519 \(key)",      // 7: plain, marked
            "[web1]:2222 ssh-ed25519 \(key)",        // 8: another port
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "web1").map(\.line), [2, 3, 4, 6, 7])
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "WEB1").map(\.line), [2, 3, 4, 7],
                       "plain names match in any case (a hashed name only as hashed)")
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "web2").map(\.line), [3, 5])
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "[web1]:2222").map(\.line), [8])
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "db1").map(\.line), [2])
        try KnownHostsFile.append("db1 ssh-ed25519 \(key)", to: path)
        XCTAssertEqual(KnownHostsFile.entries(in: path, matching: "db1").map(\.line), [2, 9])
    }

    /// `|1|salt|hash` as `ssh-keygen -H` writes it.
    private func hashedPattern(for name: String, salt: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 20)
        let nameBytes = Array(name.utf8)
        _ = clibssh2_hmac_sha1(salt, Int32(salt.count), nameBytes, nameBytes.count, &digest)
        return "|1|\(Data(salt).base64EncodedString())|\(Data(digest).base64EncodedString())"
    }
}
