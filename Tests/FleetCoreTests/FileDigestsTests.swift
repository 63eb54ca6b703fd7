import Foundation
import XCTest
@testable import FleetCore

/// The streamed SHA-256 of local files `copy` compares with the host's `sha256sum`.
final class FileDigestsTests: XCTestCase {
    func testStreamedDigestMatchesSha256sumAcrossPieceAndBlockBoundaries() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let piece = FileDigests.pieceSize
        for size in [0, 1, 55, 56, 63, 64, 65, piece - 1, piece, piece + 7, 3 * piece + 100] {
            let path = folder.appendingPathComponent("f\(size)").path
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let expected = String(try FakeHost.shell("sha256sum \(path)").stdoutText.prefix(64))
            XCTAssertEqual(FileDigests.compute(path), expected, "size \(size)")
            XCTAssertEqual(SHA256.hex(bytes), expected, "size \(size), in memory")
        }
        XCTAssertNil(FileDigests.compute(folder.appendingPathComponent("missing").path))
    }
}
