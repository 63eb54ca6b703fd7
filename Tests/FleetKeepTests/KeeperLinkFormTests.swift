@testable import FleetKeep
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A run's side of the keeper socket speaks JSON until the keeper says `ready`, then binary.
/// The JSON greeting is what lets a run tell a keeper of another protocol to stop: these
/// tests play the keeper over a socket pair, with frames exactly as protocol 1 wrote them.
final class KeeperLinkFormTests: XCTestCase {
    private var keeperEnd: Int32 = -1
    private var link: KeeperLink!

    override func setUpWithError() throws {
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        link = KeeperLink(descriptor: pair[0])
        keeperEnd = pair[1]
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(keeperEnd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    override func tearDown() {
        link?.close()
        if keeperEnd >= 0 { close(keeperEnd) }
    }

    func testAKeeperOfTheFirstProtocolIsGreetedAndStoppedInJSON() async throws {
        let link: KeeperLink = self.link
        let hello = Task { try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: "new", persist: 60)) }
        let greeting = try readFrame()
        let fields = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(greeting)) as? [String: Any])
        let request = try XCTUnwrap(fields["request"] as? [String: Any])
        let helloFields = try XCTUnwrap(request["hello"] as? [String: Any])
        XCTAssertEqual(helloFields["protocolVersion"] as? Int, KeeperWire.protocolVersion)
        XCTAssertEqual(helloFields["build"] as? String, "new")
        let id = try XCTUnwrap(fields["id"] as? Int)
        try writeFrame(#"{"id":\#(id),"reply":{"otherBuild":{"build":"1-2-3.4"}}}"#)
        guard case .otherBuild(let build) = try await hello.value else { return XCTFail("not otherBuild") }
        XCTAssertEqual(build, "1-2-3.4")

        let stop = Task { try await link.call(.stop) }
        let stopFrame = try readFrame()
        // Key order varies; the shape is protocol 1's: {"id":2,"request":{"stop":{}}}.
        let stopFields = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(stopFrame)) as? NSDictionary)
        XCTAssertEqual(stopFields, ["id": 2, "request": ["stop": [:] as NSDictionary]] as NSDictionary)
        try writeFrame(#"{"id":2,"reply":{"done":{}}}"#)
        guard case .done = try await stop.value else { return XCTFail("not done") }
    }

    func testAfterReadyEveryFrameIsBinary() async throws {
        let link: KeeperLink = self.link
        let hello = Task { try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: "new", persist: 60)) }
        _ = try readFrame()
        try writeFrame(#"{"id":1,"reply":{"ready":{"pid":99}}}"#)
        guard case .ready(let pid) = try await hello.value else { return XCTFail("not ready") }
        XCTAssertEqual(pid, 99)

        let run = Task { try await link.call(.run(lease: 4, command: Samples.command, then: [])) }
        let frame = try readFrame()
        XCTAssertNil(try? JSONSerialization.jsonObject(with: Data(frame)), "a JSON frame after ready")
        let request = try RequestFrame(binary: frame)
        XCTAssertEqual(try Samples.json(request), try Samples.json(RequestFrame(id: 2, request: .run(lease: 4, command: Samples.command, then: []))))
        let result = WireResult(exitCode: 0, signal: nil, stdout: Array("ok\n".utf8), stderr: [], stdoutDropped: 0, stderrDropped: 0)
        try writeFrame(ReplyFrame(id: 2, reply: .result(result)).binary())
        guard case .result(let answer) = try await run.value else { return XCTFail("not a result") }
        XCTAssertEqual(answer.stdout, Array("ok\n".utf8))
    }

    func testAFrameTheRunCannotReadEndsTheLinkInsteadOfHanging() async throws {
        let link: KeeperLink = self.link
        let hello = Task { try await link.call(.hello(protocolVersion: KeeperWire.protocolVersion, build: "new", persist: 60)) }
        _ = try readFrame()
        try writeFrame(#"{"id":1,"reply":{"ready":{"pid":99}}}"#)
        _ = try await hello.value
        let status = Task { try await link.call(.status) }
        _ = try readFrame()
        // JSON where binary is due.
        try writeFrame(#"{"id":2,"reply":{"done":{}}}"#)
        do {
            _ = try await status.value
            XCTFail("a frame of the wrong form was accepted")
        } catch is KeeperLink.Lost {}
    }

    // MARK: The keeper's end

    private func readFrame() throws -> [UInt8] {
        let header = try read(count: 4)
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        return try read(count: length)
    }

    private func read(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(keeperEnd, $0.baseAddress! + done, count - done) }
            guard got > 0 else { throw POSIXError(.EIO) }
            done += got
        }
        return bytes
    }

    private func writeFrame(_ text: String) throws {
        try writeFrame(Array(text.utf8))
    }

    private func writeFrame(_ payload: [UInt8]) throws {
        let length = UInt32(payload.count)
        let frame = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
        let written = frame.withUnsafeBytes { Glibc.write(keeperEnd, $0.baseAddress, $0.count) }
        guard written == frame.count else { throw POSIXError(.EIO) }
    }
}
