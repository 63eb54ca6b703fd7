import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// SFTP transfers on real hosts, checked byte for byte by checksum.
final class SFTPTests: XCTestCase {
    func testFiftyMegabyteRoundTripKeepsChecksumAndMode() async throws {
        let lab = try LabSupport.lab()
        try await LabSupport.withSession(lab) { session in
            let folder = try LabSupport.temporaryDirectory()
            let local = folder.appendingPathComponent("payload").path
            try LabSupport.shell("head -c 52428800 /dev/urandom > \(local)")
            let localSum = try LabSupport.sha256(file: local)
            let remote = "/tmp/fleet-sftp-\(UUID().uuidString)"
            try await session.upload(from: local, to: remote, mode: 0o640)
            let remoteSum = try await session.run("sha256sum \(remote) | cut -c1-64; stat -c %a \(remote)").stdoutText
            XCTAssertEqual(remoteSum, "\(localSum)\n640\n")
            let back = folder.appendingPathComponent("back").path
            try await session.download(remote, to: back)
            XCTAssertEqual(try LabSupport.sha256(file: back), localSum)
            _ = try await session.run("rm -f \(remote)")
        }
    }

    func testUploadReplacesAnExistingFileAtomicallyAndLeavesNoTemporaryFile() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let folder = "/tmp/fleet-sftp-dir-\(UUID().uuidString)"
            _ = try await session.run("mkdir -p \(folder) && echo old > \(folder)/file")
            try await session.upload(Array("new\n".utf8), to: "\(folder)/file", mode: 0o600)
            let listing = try await session.run("cat \(folder)/file; ls -A \(folder); stat -c %a \(folder)/file").stdoutText
            XCTAssertEqual(listing, "new\nfile\n600\n")
            let bytes = try await session.download("\(folder)/file")
            XCTAssertEqual(bytes, Array("new\n".utf8))
            _ = try await session.run("rm -rf \(folder)")
        }
    }

    func testMissingRemoteFileIsAClearError() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            do {
                _ = try await session.download("/nonexistent/fleet-file")
                XCTFail("downloaded a file that does not exist")
            } catch let error as SSHError {
                XCTAssertEqual(error, .sftpFailed(operation: "download", path: "/nonexistent/fleet-file", reason: "no such file"))
            }
            // The session survives the failed transfer.
            let after = try await session.run("echo ok").stdoutText
            XCTAssertEqual(after, "ok\n")
        }
    }
}
