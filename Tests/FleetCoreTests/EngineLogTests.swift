import Foundation
import XCTest
@testable import FleetCore

/// The per-task log files: one per stream that printed something, both for a failure.
final class EngineLogTests: XCTestCase {
    func testLogFilesExistOnlyForStreamsWithOutputAndForFailures() async throws {
        let sandbox = try EngineSandbox(hosts: ["h1"])
        let sink = CollectingSink()
        let summary = try await sandbox.run("""
            - hosts: all
              tasks:
                - { name: quiet, shell: "true" }
                - { name: talks, shell: "echo hello" }
                - { name: fails, shell: "exit 4" }
            """, transport: FakeTransport(), sink: sink)
        XCTAssertEqual(summary.exitCode, 2)
        XCTAssertNil(sink.result("h1", "quiet")?.logPath, "a task that printed nothing has no log files")
        let talks = try XCTUnwrap(sink.result("h1", "talks")?.logPath)
        XCTAssertEqual(try String(contentsOfFile: talks + ".out", encoding: .utf8), "hello\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: talks + ".err"))
        let fails = try XCTUnwrap(sink.result("h1", "fails")?.logPath)
        XCTAssertEqual(try String(contentsOfFile: fails + ".err", encoding: .utf8), "")
        XCTAssertEqual(try String(contentsOfFile: fails + ".out", encoding: .utf8), "")
        let folder = URL(fileURLWithPath: talks).deletingLastPathComponent().path
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["02-talks.out", "03-fails.err", "03-fails.out"])
    }
}
