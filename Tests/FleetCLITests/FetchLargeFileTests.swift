import FleetLab
import Foundation
import XCTest

/// `fetch` of a file far larger than fleet should hold in memory streams it to disk: with the
/// run's own sessions, and through the keeper, which writes the file itself. The lab hosts
/// share this machine's disk, so the "remote" file is made here.
final class FetchLargeFileTests: XCTestCase {
    /// 96 MB: holding it whole (as fetch once did) takes that much on top of the 25-45 MB a
    /// run needs anyway. (Bigger makes the debug build's test slow; the checksum of an
    /// unchanged file is covered in ActionLabTests.)
    private static let size = 96 << 20
    /// Above what a one-host run needs with the file streamed, below what holding it needs.
    private static let memoryLimitKB = 90 * 1024

    private var folder: URL!
    private var remoteFile: String!

    override func setUpWithError() throws {
        folder = try FleetBinary.temporaryDirectory()
        chmod(folder.path, 0o700)
        remoteFile = "/tmp/fleet-fetch-big-\(UUID().uuidString)"
        let made = try Self.shell("head -c \(Self.size) /dev/urandom > \(remoteFile!) && chmod 644 \(remoteFile!)")
        XCTAssertEqual(made, 0)
    }

    override func tearDownWithError() throws {
        _ = try? FleetBinary.run(["keeper", "stop"], environment: try keeperEnvironment())
        try? FileManager.default.removeItem(at: folder)
        if let remoteFile { try? FileManager.default.removeItem(atPath: remoteFile) }
    }

    func testALargeFileStreamsToDiskInTheRunProcess() throws {
        let (output, peakKB) = try runFetch(environment: [:])
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        try assertFetchedFileIsIdentical()
        XCTAssertLessThan(peakKB, Self.memoryLimitKB, "the run held the file in memory")
        print("peak RSS of a run fetching \(Self.size >> 20) MB: \(peakKB / 1024) MB")
    }

    func testALargeFileStreamsToDiskThroughTheKeeper() throws {
        let environment = try keeperEnvironment()
        try assertStreamedThroughTheKeeper(try runFetch(environment: environment), environment: environment)
    }

    /// A root-only file with `become: true`, through the keeper: `sudo cat` on the kept
    /// session, its output written to disk by the keeper.
    func testARootOnlyFileStreamsToDiskWithBecomeThroughTheKeeper() throws {
        XCTAssertEqual(chmod(remoteFile, 0o600), 0)
        let environment = try keeperEnvironment()
        let plain = try runFetch(environment: environment).output
        XCTAssertNotEqual(plain.status, 0, "the login user read a root-only file without become: \(plain.stdout)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: localCopy))
        try assertStreamedThroughTheKeeper(try runFetch(environment: environment, become: true), environment: environment)
    }

    /// Ctrl-C while `sudo cat` waits on a pipe that never delivers: the run ends at once with
    /// 130, and no partial file is left beside the destination.
    func testInterruptingABlockedFetchLeavesNothingBehind() throws {
        let fifo = try makeFifo()
        defer { releaseFifo(fifo) }
        let process = try startFetchFromTheFifo(fifo, inventory: try Lab.shared(count: 3).inventoryPath.path)
        let reading = FleetBinary.waitUntil(seconds: 15) {
            FleetBinary.processes(containing: "cat -- \(fifo)").contains { !$0.contains("sudo") }
        }
        XCTAssertTrue(reading, "sudo cat never started on the host")
        kill(process.processIdentifier, SIGINT)
        let ended = FleetBinary.waitUntil(seconds: 10) { !process.isRunning }
        if !ended { process.terminate() }
        process.waitUntilExit()
        XCTAssertTrue(ended, "the run did not end within 10 s of Ctrl-C")
        XCTAssertEqual(process.terminationStatus, 130)
        assertNoPartialFile()
        assertNothingLeftReading(fifo)
    }

    /// SIGKILL cannot be caught, so a run killed mid-fetch leaves its hidden temporary file.
    /// The next fetch to the same destination removes it once it is a minute old and its
    /// writer is gone (here: a run that itself stops at its 1 s timeout).
    func testALeftoverOfAKilledFetchIsRemovedByTheNextOne() throws {
        let fifo = try makeFifo()
        defer { releaseFifo(fifo) }
        let inventory = try Lab.shared(count: 3).inventoryPath.path
        let process = try startFetchFromTheFifo(fifo, inventory: inventory)
        let fetched = folder.appendingPathComponent("fetched/lab-master/tmp").path
        let leftover = FleetBinary.waitUntil(seconds: 15) {
            !((try? FileManager.default.contentsOfDirectory(atPath: fetched)) ?? []).isEmpty
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(leftover, "the killed run had no temporary file yet")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fetched)) ?? []
        XCTAssertEqual(names.count, 1, "\(names)")
        // PartialLocalFile.leftoverAge is a minute.
        let aMinuteAndMoreAgo = Date().addingTimeInterval(-65)
        for name in names {
            try FileManager.default.setAttributes([.modificationDate: aMinuteAndMoreAgo], ofItemAtPath: fetched + "/" + name)
        }

        let (next, _) = try Self.runSampling(["run", try fifoPlaybook(fifo, timeout: "1s").path, "-i", inventory],
                                             environment: [:], in: folder, deadline: 10)
        XCTAssertEqual(next.status, 2, next.stdout + next.stderr)
        assertNoPartialFile()
    }

    /// The task's `timeout:` bounds a fetch as it bounds a command: the same blocked pipe fails
    /// the task after 1 s, leaving nothing behind.
    func testAFetchStopsAtItsTaskTimeout() throws {
        let fifo = try makeFifo()
        defer { releaseFifo(fifo) }
        let (result, _) = try Self.runSampling(["run", try fifoPlaybook(fifo, timeout: "1s").path, "-i",
                                                try Lab.shared(count: 3).inventoryPath.path],
                                               environment: [:], in: folder, deadline: 10)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).contains("fetch of \(fifo) timed out after 1s"), result.stdout + result.stderr)
        assertNoPartialFile()
        assertNothingLeftReading(fifo)
    }

    // MARK: - Helpers

    /// The host's `sudo cat` blocked on the pipe got fleet's signal (HUP on Ctrl-C, TERM at the
    /// timeout) through sudo: nothing is left reading (the lab host shares this process table).
    private func assertNothingLeftReading(_ fifo: String, file: StaticString = #filePath, line: UInt = #line) {
        let gone = FleetBinary.waitUntil(seconds: 5) { FleetBinary.processes(containing: "cat -- \(fifo)").isEmpty }
        XCTAssertTrue(gone, "still on the host: \(FleetBinary.processes(containing: "cat -- \(fifo)"))", file: file, line: line)
    }

    /// `FLEET_KEEPER_DIR` in the test's folder, so the runs start and share a keeper of their own.
    private func keeperEnvironment() throws -> [String: String] {
        let keeperFolder = folder.appendingPathComponent("keeper")
        try FileManager.default.createDirectory(at: keeperFolder, withIntermediateDirectories: true)
        chmod(keeperFolder.path, 0o700)
        return ["FLEET_KEEPER_DIR": keeperFolder.path]
    }

    /// The run succeeded with the whole file in place, and neither the run nor the keeper
    /// held it in memory.
    private func assertStreamedThroughTheKeeper(_ run: (output: FleetBinary.Output, peakKB: Int),
                                                environment: [String: String]) throws {
        XCTAssertEqual(run.output.status, 0, run.output.stdout + run.output.stderr)
        try assertFetchedFileIsIdentical()
        XCTAssertLessThan(run.peakKB, Self.memoryLimitKB, "the run held the file in memory")
        let keeperPeakKB = try Self.keeperPeakMemoryKB(environment: environment)
        XCTAssertLessThan(keeperPeakKB, Self.memoryLimitKB, "the keeper held the file in memory")
        print("peak RSS through the keeper: run \(run.peakKB / 1024) MB, keeper \(keeperPeakKB / 1024) MB")
    }

    /// A named pipe only root may read: `sudo cat` on it waits until someone writes.
    private func makeFifo() throws -> String {
        let fifo = "/tmp/fleet-fetch-fifo-\(UUID().uuidString)"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        return fifo
    }

    /// Lets a `cat` still waiting on the pipe finish, then removes it.
    private func releaseFifo(_ fifo: String) {
        _ = try? Self.shell("timeout 2 sh -c 'echo > \(fifo)'")
        unlink(fifo)
    }

    /// Starts, in the background, a run whose fetch waits on `fifo` (no timeout).
    private func startFetchFromTheFifo(_ fifo: String, inventory: String) throws -> Process {
        let process = Process()
        process.executableURL = FleetBinary.url
        process.arguments = ["run", try fifoPlaybook(fifo, timeout: nil).path, "-i", inventory]
        process.environment = FleetBinary.environment()
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func fifoPlaybook(_ fifo: String, timeout: String?) throws -> URL {
        let playbook = folder.appendingPathComponent("fifo.yml")
        try """
            - hosts: lab-master
              become: true
              tasks:
                - name: never ends
                  fetch: { src: \(fifo), dest: fetched }
            """.appending(timeout.map { "\n      timeout: \($0)\n" } ?? "\n").write(to: playbook, atomically: true, encoding: .utf8)
        return playbook
    }

    private func assertNoPartialFile(file: StaticString = #filePath, line: UInt = #line) {
        let fetched = folder.appendingPathComponent("fetched/lab-master/tmp").path
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: fetched)) ?? [], [], "a partial file was left",
                       file: file, line: line)
    }

    private var localCopy: String {
        folder.appendingPathComponent("fetched/lab-master").path + remoteFile
    }

    /// Runs a one-task fetch playbook on lab-master while sampling fleet's peak memory.
    private func runFetch(environment: [String: String], become: Bool = false) throws -> (output: FleetBinary.Output, peakKB: Int) {
        let lab = try Lab.shared(count: 3)
        let playbook = folder.appendingPathComponent("fetch.yml")
        try """
            - hosts: lab-master
              become: \(become)
              tasks:
                - name: big file
                  fetch: { src: \(remoteFile!), dest: fetched }
            """.write(to: playbook, atomically: true, encoding: .utf8)
        return try Self.runSampling(["run", playbook.path, "-i", lab.inventoryPath.path], environment: environment, in: folder)
    }

    private func assertFetchedFileIsIdentical() throws {
        let local = try XCTUnwrap(FileManager.default.contents(atPath: localCopy), "nothing at \(localCopy)")
        let remote = try XCTUnwrap(FileManager.default.contents(atPath: remoteFile))
        XCTAssertEqual(local.count, Self.size)
        XCTAssertTrue(local == remote, "the fetched file differs from the host's")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: localCopy).deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "temporary files left beside the fetched one")
    }

    /// `fleet arguments...` with its output in files, and the largest VmHWM seen while it ran
    /// (sampled every 10 ms; the peak only grows, so the last sample is within 10 ms of it).
    /// A run still going after `deadline` seconds is stopped (exit status 15), so a test of a
    /// broken build fails instead of hanging.
    private static func runSampling(_ arguments: [String], environment: [String: String],
                                    in directory: URL, deadline: Double = 300) throws -> (FleetBinary.Output, Int) {
        let out = try FleetBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let stdout = out.appendingPathComponent("out"), stderr = out.appendingPathComponent("err")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = FleetBinary.url
        process.arguments = arguments
        process.environment = FleetBinary.environment(environment)
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var peak = 0
        let stopAt = Date().addingTimeInterval(deadline)
        while process.isRunning {
            if let sample = peakMemoryKB(of: process.processIdentifier) { peak = max(peak, sample) }
            if Date() > stopAt { process.terminate() }
            usleep(10_000)
        }
        process.waitUntilExit()
        let output = FleetBinary.Output(status: process.terminationStatus,
                                        stdout: (try? String(contentsOf: stdout, encoding: .utf8)) ?? "",
                                        stderr: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
        return (output, peak)
    }

    /// VmHWM of the running keeper, found through `fleet keeper status --json`.
    private static func keeperPeakMemoryKB(environment: [String: String]) throws -> Int {
        let status = try FleetBinary.run(["keeper", "status", "--json"], environment: environment)
        let pid = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["pid"] as? Int,
                                status.stdout + status.stderr)
        return try XCTUnwrap(peakMemoryKB(of: Int32(pid)))
    }

    /// VmHWM (peak resident memory) of a running process, in KB.
    private static func peakMemoryKB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    private static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
