import Foundation
import XCTest
@testable import FleetSSH

/// Which hidden temporary files beside a destination count as leftovers of a killed process.
final class PartialLocalFileTests: XCTestCase {
    func testOnlyOldFilesOfGoneWritersForTheSameDestinationAreRemoved() throws {
        let folder = try LabSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gone = try pidOfAFinishedProcess()
        let alive = getpid()
        let old = Date().addingTimeInterval(-PartialLocalFile.leftoverAge - 5)
        let files: [(name: String, modified: Date)] = [
            (".data.bin.fleet-\(gone)-17", old),        // a leftover: removed
            (".data.bin.fleet-\(gone)-18", Date()),     // written a moment ago: kept
            (".data.bin.fleet-\(alive)-19", old),       // its writer still runs: kept
            (".other.bin.fleet-\(gone)-20", old),       // another destination: kept
            (".data.bin.fleet-21", old),                // no process id in the name: kept
            (".data.bin.fleet-\(gone)-x", old),         // not a name fleet makes: kept
            ("data.bin", old),                          // the destination itself: kept
        ]
        for file in files {
            let path = folder.appendingPathComponent(file.name).path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: file.modified], ofItemAtPath: path)
        }

        let partial = try PartialLocalFile(for: folder.appendingPathComponent("data.bin").path, operation: "download")
        partial.discard()

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        XCTAssertEqual(left, Set(files.dropFirst().map(\.name)))
    }

    /// A temporary file is named after the process writing it, so a later one can tell.
    func testTheTemporaryFileNamesItsWriter() throws {
        let folder = try LabSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let partial = try PartialLocalFile(for: folder.appendingPathComponent("data.bin").path, operation: "download")
        defer { partial.discard() }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(names.count, 1)
        XCTAssertTrue(names[0].hasPrefix(".data.bin.fleet-\(getpid())-"), names[0])
    }

    private func pidOfAFinishedProcess() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
