import Foundation
import XCTest
@testable import FleetCore

final class StateStoreTests: XCTestCase {
    func testDirectoryIsBesideTheInventory() {
        XCTAssertEqual(StateStore.directory(forInventory: "/srv/inv/hosts.yml").path, "/srv/inv/.fleet")
        XCTAssertEqual(StateStore.directory(forInventory: "/srv/inv/../other/hosts.ini").path, "/srv/other/.fleet")
    }

    func testCapturesAndRunsSurviveThroughTheRealFile() throws {
        let sandbox = try StateSandbox()
        let token = keptCapture(secret: true, ttl: 23 * 3600)
        let address = keptCapture(name: "api_address", value: "10.0.0.1:6443")
        let run = RunRecord(
            runID: "20251009-0840-1a2b", playbook: "/srv/playbooks/k8s/cluster.yml",
            startedAt: stateEpoch, finishedAt: stateEpoch.addingTimeInterval(95.25),
            failedHosts: ["k8s-node2"], unreachableHosts: ["k8s-node3"], okHosts: ["k8s-master"])

        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        try store.record(token)
        try store.record(address)
        try store.recordRun(run)
        store.close()

        let reopened = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        defer { reopened.close() }
        XCTAssertEqual(reopened.capture(host: "k8s-master", name: "join_command"), token)
        XCTAssertEqual(reopened.captures(), [address, token], "sorted by host then name")
        XCTAssertEqual(reopened.lastRun(playbook: run.playbook), run)
        XCTAssertNil(reopened.lastRun(playbook: "/elsewhere.yml"))
        XCTAssertEqual(try StateStore.read(inventoryPath: sandbox.inventoryPath), StateSnapshot(captures: [address, token], runs: [run]))

        let text = try String(contentsOf: sandbox.stateFile, encoding: .utf8)
        XCTAssertTrue(text.contains("\"version\" : 1"), text)
        XCTAssertTrue(text.contains("\"capturedAt\" : \"2025-10-09T08:53:20.000Z\""), text)
        XCTAssertTrue(text.contains("\"finishedAt\" : \"2025-10-09T08:54:55.250Z\""), text)
    }

    func testRecordReplacesSameHostAndNameAndKeepsOnlyLastRunPerPlaybook() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        try store.record(keptCapture(value: "old"))
        try store.record(keptCapture(host: "k8s-node1", value: "other host"))
        try store.record(keptCapture(value: "new", at: stateEpoch.addingTimeInterval(60)))
        let first = RunRecord(runID: "1", playbook: "/p.yml", startedAt: stateEpoch, finishedAt: stateEpoch, failedHosts: ["a"])
        let second = RunRecord(runID: "2", playbook: "/p.yml", startedAt: stateEpoch, finishedAt: stateEpoch, okHosts: ["a"])
        try store.recordRun(first)
        try store.recordRun(second)
        store.close()

        let snapshot = try StateStore.read(inventoryPath: sandbox.inventoryPath)
        XCTAssertEqual(snapshot.captures.map(\.value), ["new", "other host"])
        XCTAssertEqual(snapshot.runs, [second])
    }

    func testFileIsOwnerOnlyAndFolderTooEvenAfterRewritesAndLoosening() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        XCTAssertEqual(try sandbox.mode(sandbox.stateFolder), 0o700)
        try store.record(keptCapture(secret: true))
        XCTAssertEqual(try sandbox.mode(sandbox.stateFile), 0o600)
        try store.record(keptCapture(value: "rewritten"))
        XCTAssertEqual(try sandbox.mode(sandbox.stateFile), 0o600)
        XCTAssertEqual(try sandbox.mode(sandbox.lockFile), 0o600)
        store.close()

        chmod(sandbox.stateFile.path, 0o644)
        chmod(sandbox.stateFolder.path, 0o755)
        let reopened = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        defer { reopened.close() }
        XCTAssertEqual(try sandbox.mode(sandbox.stateFolder), 0o700, "open tightens a loosened folder")
        XCTAssertEqual(try sandbox.mode(sandbox.stateFile), 0o600, "open tightens a loosened file")
    }

    func testWritesLeaveNoTemporaryFiles() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        defer { store.close() }
        for index in 0..<5 { try store.record(keptCapture(name: "value\(index)")) }
        try store.recordRun(RunRecord(runID: "r", playbook: "/p.yml", startedAt: stateEpoch, finishedAt: stateEpoch))
        let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.stateFolder.path).sorted()
        XCTAssertEqual(names, ["state.json", "state.lock"])
    }

    func testSecondOpenFailsAtOnceNamingTheHolderAndSucceedsAfterClose() throws {
        let sandbox = try StateSandbox()
        let first = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        let started = Date()
        XCTAssertThrowsError(try StateStore.open(inventoryPath: sandbox.inventoryPath)) { error in
            XCTAssertEqual(error as? StateError, .locked(lockPath: sandbox.lockFile.path, pid: getpid()))
            let message = error.localizedDescription
            XCTAssertTrue(message.contains("pid \(getpid())"), message)
            XCTAssertTrue(message.contains(sandbox.lockFile.path), message)
            XCTAssertTrue(message.contains("wait for that run to finish"), message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "must not wait for the lock")
        XCTAssertEqual(try StateStore.read(inventoryPath: sandbox.inventoryPath), StateSnapshot(), "reading needs no lock")

        first.close()
        let second = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        second.close()
    }

    func testLockIsSeenByOtherProcessesAndReleasedOnClose() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        XCTAssertEqual(try flockNonBlocking(sandbox.lockFile), 1, "another process cannot take the lock")
        store.close()
        XCTAssertEqual(try flockNonBlocking(sandbox.lockFile), 0, "lock released after close")
    }

    func testLockIsReleasedWhenTheStoreGoesAway() throws {
        let sandbox = try StateSandbox()
        do { _ = try StateStore.open(inventoryPath: sandbox.inventoryPath) }
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        store.close()
    }

    func testClosedStoreRefusesChanges() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        store.close()
        XCTAssertThrowsError(try store.record(keptCapture())) { error in
            XCTAssertEqual(error as? StateError, .closed(path: sandbox.stateFile.path))
        }
    }

    func testExpiryWithInjectedDates() {
        let capture = keptCapture(at: stateEpoch, ttl: 3600)
        XCTAssertEqual(capture.expiresAt, stateEpoch.addingTimeInterval(3600))
        XCTAssertFalse(capture.isExpired(at: stateEpoch.addingTimeInterval(3599)))
        XCTAssertTrue(capture.isExpired(at: stateEpoch.addingTimeInterval(3600)))
        XCTAssertTrue(capture.isExpired(at: stateEpoch.addingTimeInterval(90_000)))
        XCTAssertEqual(capture.age(at: stateEpoch.addingTimeInterval(125)), 125)
        let forever = keptCapture(at: stateEpoch, ttl: nil)
        XCTAssertNil(forever.expiresAt)
        XCTAssertFalse(forever.isExpired(at: .distantFuture))
    }

    func testExpiredCapturesAreStillReturned() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        defer { store.close() }
        try store.record(keptCapture(at: stateEpoch, ttl: 1))
        let kept = try XCTUnwrap(store.capture(host: "k8s-master", name: "join_command"))
        XCTAssertTrue(kept.isExpired(at: Date()))
        XCTAssertEqual(kept.task, "kubeadm join command", "the task to re-run is known")
    }

    func testCorruptFileIsAnErrorAndIsLeftUntouched() throws {
        let sandbox = try StateSandbox()
        try FileManager.default.createDirectory(at: sandbox.stateFolder, withIntermediateDirectories: true)
        let garbage = "{\"version\": 1, \"captures\": [{\"host\": 3}]"
        try garbage.write(to: sandbox.stateFile, atomically: true, encoding: .utf8)

        for attempt in [{ _ = try StateStore.open(inventoryPath: sandbox.inventoryPath) },
                        { _ = try StateStore.read(inventoryPath: sandbox.inventoryPath) }] {
            XCTAssertThrowsError(try attempt()) { error in
                guard case .corrupt(let path, _) = error as? StateError else { return XCTFail("\(error)") }
                XCTAssertEqual(path, sandbox.stateFile.path)
                let message = error.localizedDescription
                XCTAssertTrue(message.contains(sandbox.stateFile.path), message)
                XCTAssertTrue(message.contains("move it aside"), message)
            }
        }
        XCTAssertEqual(try String(contentsOf: sandbox.stateFile, encoding: .utf8), garbage, "never discarded")
    }

    func testWrongShapeNamesTheField() throws {
        let sandbox = try StateSandbox()
        try FileManager.default.createDirectory(at: sandbox.stateFolder, withIntermediateDirectories: true)
        try #"{"version": 1, "captures": [{"host": "a"}], "runs": []}"#.write(to: sandbox.stateFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StateStore.read(inventoryPath: sandbox.inventoryPath)) { error in
            XCTAssertTrue(error.localizedDescription.contains("missing \"name\" at .captures[0]"), error.localizedDescription)
        }
    }

    func testHandEditedDatesAreReadAndABadOneNamesItsField() throws {
        let sandbox = try StateSandbox()
        try FileManager.default.createDirectory(at: sandbox.stateFolder, withIntermediateDirectories: true)
        func file(capturedAt: String) -> String {
            #"{"version": 1, "runs": [], "captures": [{"capturedAt": "\#(capturedAt)", "host": "m", "name": "token", "#
                + #""playbook": "p.yml", "secret": false, "task": "t", "value": "v"}]}"#
        }
        // stateEpoch is 2025-10-09T08:53:20Z.
        for (text, expected) in [("2025-10-09T08:53:20Z", stateEpoch.timeIntervalSince1970),
                                 ("2025-10-09T10:53:20.250+02:00", stateEpoch.timeIntervalSince1970 + 0.25),
                                 ("2025-10-09T08:53:20.5Z", stateEpoch.timeIntervalSince1970 + 0.5)] {
            try file(capturedAt: text).write(to: sandbox.stateFile, atomically: true, encoding: .utf8)
            let captured = try XCTUnwrap(try StateStore.read(inventoryPath: sandbox.inventoryPath).captures.first?.capturedAt)
            XCTAssertEqual(captured.timeIntervalSince1970, expected, accuracy: 0.0005, text)
        }
        try file(capturedAt: "2025-10-09 08:53").write(to: sandbox.stateFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StateStore.read(inventoryPath: sandbox.inventoryPath)) { error in
            XCTAssertTrue(error.localizedDescription.contains(".captures[0].capturedAt"), error.localizedDescription)
        }
    }

    func testNewerVersionIsRefusedNotRewritten() throws {
        let sandbox = try StateSandbox()
        try FileManager.default.createDirectory(at: sandbox.stateFolder, withIntermediateDirectories: true)
        let future = #"{"version": 2, "captures": "a new layout", "runs": []}"#
        try future.write(to: sandbox.stateFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StateStore.open(inventoryPath: sandbox.inventoryPath)) { error in
            XCTAssertEqual(error as? StateError, .newerVersion(path: sandbox.stateFile.path, found: 2, supported: 1))
            XCTAssertTrue(error.localizedDescription.contains("newer fleet"), error.localizedDescription)
        }
        XCTAssertEqual(try String(contentsOf: sandbox.stateFile, encoding: .utf8), future)
        XCTAssertEqual(try flockNonBlocking(sandbox.lockFile), 0, "a failed open does not keep the lock")
    }

    func testForgetByNameAndByHost() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        try store.record(keptCapture(host: "k8s-master", name: "join_command"))
        try store.record(keptCapture(host: "k8s-master", name: "api_address"))
        try store.record(keptCapture(host: "k8s-node1", name: "join_command"))
        try store.record(keptCapture(host: "k8s-node2", name: "join_command"))

        XCTAssertEqual(try store.forget(name: "join_command", host: "k8s-node1"), 1)
        XCTAssertEqual(try store.forget(name: "join_command", host: "nowhere"), 0)
        XCTAssertEqual(try store.forget(name: "join_command"), 2)
        XCTAssertEqual(try store.forget(name: "join_command"), 0)
        store.close()
        let left = try StateStore.read(inventoryPath: sandbox.inventoryPath).captures
        XCTAssertEqual(left.map { "\($0.host)/\($0.name)" }, ["k8s-master/api_address"])
    }

    func testConcurrentRecordsAreAllKept() throws {
        let sandbox = try StateSandbox()
        let store = try StateStore.open(inventoryPath: sandbox.inventoryPath)
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            do { try store.record(keptCapture(host: "host\(index)")) } catch { XCTFail("\(error)") }
        }
        store.close()
        XCTAssertEqual(try StateStore.read(inventoryPath: sandbox.inventoryPath).captures.count, 40)
    }

    /// Exit status of `flock -n FILE true` in a child process: 0 when the lock was free, 1 when held.
    private func flockNonBlocking(_ file: URL) throws -> Int32 {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/flock"), "needs flock(1)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-n", file.path, "true"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
