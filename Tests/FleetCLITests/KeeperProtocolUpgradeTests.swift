import FleetLab
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// After an upgrade, the keeper a run finds may speak an older protocol. Protocol 1 wrote every
/// frame as JSON; this test plays such a keeper (frames as protocol 1 wrote them) and checks that
/// the run greets it in JSON, tells it to stop, and then works through a keeper of its own.
final class KeeperProtocolUpgradeTests: XCTestCase {
    func testAKeeperOfTheFirstProtocolIsToldToStopAndReplaced() throws {
        let lab = try Lab.shared(count: 1)
        try FleetBinary.withOwnKeeper { environment, folder in
            let oldKeeper = try OldKeeper(socketPath: folder.appendingPathComponent("keeper.sock").path)

            let result = try FleetBinary.run(["exec", "-i", lab.inventoryPath.path, "--no-group", lab.hosts()[0].name, "--", "echo ran"],
                                             environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.hasSuffix("ran\n"), result.stdout)
            XCTAssertFalse(result.stderr.contains("fleet:"), result.stderr)

            let heard = oldKeeper.finish()
            XCTAssertEqual(heard.count, 2, "\(heard)")
            XCTAssertTrue(heard.first?.contains(#""hello":{"#) ?? false, "greeting: \(heard)")
            // Key order varies; the shape is protocol 1's: {"id":2,"request":{"stop":{}}}.
            let stop = try XCTUnwrap(heard.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary })
            XCTAssertEqual(stop, ["id": 2, "request": ["stop": [:] as NSDictionary]] as NSDictionary)
            let status = try FleetBinary.run(["keeper", "status", "--json"], environment: environment)
            XCTAssertEqual(status.status, 0, status.stderr)
            XCTAssertTrue(status.stdout.contains(#""clients""#), "no keeper of this build took over: \(status.stdout)")
        }
    }
}

/// A keeper of protocol 1 in this process: answers `hello` with `otherBuild`, and `stop` with
/// `done`, then removes its socket as a stopping keeper does. Records what it was sent.
private final class OldKeeper: @unchecked Sendable {
    private let listener: Int32
    private let path: String
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var frames: [String] = []

    init(socketPath: String) throws {
        path = socketPath
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        Thread.detachNewThread { [self] in serve() }
    }

    /// What it was sent, once it has stopped (or after 20 s).
    func finish() -> [String] {
        _ = done.wait(timeout: .now() + 20)
        return lock.withLock { frames }
    }

    private func serve() {
        defer {
            unlink(path)
            close(listener)
            done.signal()
        }
        // A run first checks whether a keeper answers (it connects and leaves without a word),
        // so a connection that says nothing is not the one to serve.
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            if serve(client) { return }
        }
    }

    /// Answers one connection; false when it closed without a frame.
    private func serve(_ client: Int32) -> Bool {
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var heard = false
        while let frame = readFrame(client) {
            heard = true
            lock.withLock { frames.append(frame) }
            guard let data = frame.data(using: .utf8),
                  let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let id = fields["id"] as? Int, let request = fields["request"] as? [String: Any] else { return true }
            if request["hello"] != nil {
                writeFrame(client, #"{"id":\#(id),"reply":{"otherBuild":{"build":"protocol-1"}}}"#)
            } else if request["stop"] != nil {
                writeFrame(client, #"{"id":\#(id),"reply":{"done":{}}}"#)
                return true
            } else {
                return true
            }
        }
        return heard
    }

    private func readFrame(_ descriptor: Int32) -> String? {
        guard let header = read(descriptor, count: 4) else { return nil }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length < 1 << 20, let payload = read(descriptor, count: length) else { return nil }
        return String(decoding: payload, as: UTF8.self)
    }

    private func read(_ descriptor: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, count - done) }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    private func writeFrame(_ descriptor: Int32, _ text: String) {
        let payload = Array(text.utf8)
        let length = UInt32(payload.count)
        let frame = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
        _ = frame.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
