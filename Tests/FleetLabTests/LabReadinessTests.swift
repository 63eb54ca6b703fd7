import Foundation
import XCTest
@testable import FleetLab

/// Waiting for lab hosts: many probed at once, each answer credited to its own host, and a host
/// that never answers named in the error. Real loopback listeners stand in for sshd.
final class LabReadinessTests: XCTestCase {
    /// A loopback listener that greets every connection with an SSH banner, or never answers.
    private final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: Int

        init(greets: Bool) throws {
            let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(listening, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listening, $0, &length) }
            }
            fd = listening
            port = Int(UInt16(bigEndian: address.sin_port))
            guard greets else { return }   // accepted by the kernel, never greeted
            Thread.detachNewThread {
                while true {
                    let client = accept(listening, nil, nil)
                    guard client >= 0 else { return }
                    let banner = Array("SSH-2.0-test\r\n".utf8)
                    _ = write(client, banner, banner.count)
                    close(client)
                }
            }
        }

        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    private func launch(_ name: String, pid: Int32, port: Int, in folder: URL) throws -> SSHDLauncher.Launch {
        let pidFile = folder.appendingPathComponent("\(name).pid")
        try "\(pid)\n".write(to: pidFile, atomically: true, encoding: .utf8)
        return SSHDLauncher.Launch(name: name, namespace: nil, config: folder.appendingPathComponent("sshd_config"),
                                   pidFile: pidFile, log: folder.appendingPathComponent("\(name).log"),
                                   probes: [(address: "127.0.0.1", port: port)])
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-readiness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testEveryAnsweringHostGetsItsOwnPid() throws {
        let folder = try temporaryFolder()
        let count = SSHDLauncher.probeThreads * 2 + 3
        let listeners = try (0..<count).map { _ in try Listener(greets: true) }
        let launches = try listeners.enumerated().map { index, listener in
            try launch("host\(index)", pid: Int32(1000 + index), port: listener.port, in: folder)
        }
        let pids = try SSHDLauncher.waitUntilReady(launches, deadline: Date().addingTimeInterval(30))
        XCTAssertEqual(pids.count, count)
        for index in 0..<count { XCTAssertEqual(pids["host\(index)"], Int32(1000 + index)) }
    }

    func testAHostThatNeverGreetsIsNamedOnceTheDeadlinePasses() throws {
        let folder = try temporaryFolder()
        let answering = try (0..<5).map { _ in try Listener(greets: true) }
        let silent = try Listener(greets: false)
        var launches = try answering.enumerated().map { index, listener in
            try launch("up\(index)", pid: Int32(2000 + index), port: listener.port, in: folder)
        }
        launches.insert(try launch("mute", pid: 3000, port: silent.port, in: folder), at: 2)
        XCTAssertThrowsError(try SSHDLauncher.waitUntilReady(launches, deadline: Date().addingTimeInterval(1))) { error in
            guard case LabError.hostNotAnswering(let host, let address, let port, _) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(host, "mute")
            XCTAssertEqual(address, "127.0.0.1")
            XCTAssertEqual(port, silent.port)
        }
    }
}
