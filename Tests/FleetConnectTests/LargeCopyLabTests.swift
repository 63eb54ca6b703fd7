import FleetConnect
import FleetCore
import Foundation
import XCTest

/// `copy` of a large local file over real SSH: it arrives intact, and the controller streams
/// it from disk instead of holding it in memory.
final class LargeCopyLabTests: XCTestCase {
    private static let fileSize = 50 * 1024 * 1024

    func testFiftyMegabyteCopyArrivesIntactWithBoundedControllerMemory() async throws {
        let host = try XCTUnwrap(LabHosts.hosts(count: 1).first)
        let transport = LabHosts.transport()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-large-copy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dest = LabHosts.uniqueRemotePath("large-copy")
        let connection = try await transport.connection(to: host)
        do {
            XCTAssertTrue(connection is FileUploading, "the SSH connection sends local files from disk")
            let local = folder + "/payload.bin"
            try Self.writeRandomFile(at: local, size: Self.fileSize)
            let localSum = try LabHosts.shell("sha256sum \(local) | cut -c1-64")
            let copy = Action.copy(CopySpec(src: try Self.template("payload.bin"), dest: try Self.template(dest), mode: "0640"))
            let context = ActionContext(host: host, connection: connection, scope: DictionaryScope([:]),
                                        playbookDirectory: folder, become: false, timeout: 120)

            // The peak resident size since the reset is what the copy itself needed.
            let start = try MemoryPeak.resetAndRead()
            let first = try await ActionExecutor.run(copy, context: context)
            let growth = try MemoryPeak.read().peak - start.resident
            XCTAssertTrue(first.changed, first.summary)
            XCTAssertLessThan(growth, Self.fileSize / 3,
                              "peak RSS grew by \(growth / 1024) KB for a \(Self.fileSize / 1024) KB file")

            let remote = try await connection.run(RemoteCommand("sha256sum \(dest) | cut -c1-64; stat -c %a \(dest); ls -a /tmp | grep -c -- \"$(basename \(dest)).fleet-\" || true", timeout: 60))
            XCTAssertEqual(remote.stdoutText, "\(localSum)\n640\n0\n", "content, mode, and no temporary file left")

            let second = try await ActionExecutor.run(copy, context: context)
            XCTAssertFalse(second.changed, "an identical file is left alone: \(second.summary)")
        } catch {
            XCTFail("\(error)")
        }
        _ = try? await connection.run(RemoteCommand("rm -f \(dest)"))
        await transport.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static func template(_ text: String) throws -> Template {
        try Template(parsing: text, location: SourceLocation(file: "large.yml", line: 1, column: 1))
    }

    /// Random bytes written a megabyte at a time, so the test itself never holds the file.
    private static func writeRandomFile(at path: String, size: Int) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var piece = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<(size / piece.count) {
            piece.withUnsafeMutableBytes { raw in
                for index in stride(from: 0, to: raw.count, by: 8) {
                    raw.storeBytes(of: generator.next() as UInt64, toByteOffset: index, as: UInt64.self)
                }
            }
            try handle.write(contentsOf: piece)
        }
    }

}

/// This process's resident memory from /proc/self/status (Linux).
enum MemoryPeak {
    /// Resets the kernel's peak (VmHWM) to the current resident size (`clear_refs` 5), then reads both.
    static func resetAndRead() throws -> (resident: Int, peak: Int) {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return try read()
    }

    /// Current (VmRSS) and peak (VmHWM) resident size, in bytes.
    static func read() throws -> (resident: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        func value(_ key: String) throws -> Int {
            let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix(key + ":") })
            let kilobytes = try XCTUnwrap(Int(line.split(separator: " ").dropFirst().first ?? ""))
            return kilobytes * 1024
        }
        return (try value("VmRSS"), try value("VmHWM"))
    }
}
