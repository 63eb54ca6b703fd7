@testable import FleetKeep
import Foundation
import XCTest

/// The binary form of keeper messages: every message comes back exactly as it was written,
/// and a damaged frame is refused, never read past its end.
///
/// "Exactly" is checked through the messages' JSON form, which covers every field: a field the
/// binary form lost or mixed up (even on both sides alike) shows as a different JSON text.
final class KeeperWireBinaryTests: XCTestCase {
    func testEveryRequestComesBackAsItWasWritten() throws {
        for request in Samples.requests {
            let frame = RequestFrame(id: 4_000_000_123, request: request)
            let decoded = try RequestFrame(binary: frame.binary())
            XCTAssertEqual(try Samples.json(decoded), try Samples.json(frame))
        }
    }

    func testEveryReplyComesBackAsItWasWritten() throws {
        for reply in Samples.replies {
            let frame = ReplyFrame(id: 7, reply: reply)
            let decoded = try ReplyFrame(binary: frame.binary())
            XCTAssertEqual(try Samples.json(decoded), try Samples.json(frame))
        }
    }

    func testTheSamplesCoverEveryCase() {
        // A new case needs a sample here (and a tag in both directions of the binary form).
        XCTAssertEqual(Set(Samples.requests.map(Samples.caseName)).count, 12)
        XCTAssertEqual(Set(Samples.replies.map(Samples.caseName)).count, 8)
    }

    func testIntegersAtTheirLimitsAndSpecialDoubles() throws {
        var writer = WireWriter()
        let integers = [0, 1, -1, 63, -64, 64, 127, 128, 300, Int(Int32.max), Int(Int32.min), Int.max, Int.min]
        for value in integers { writer.int(value) }
        let doubles = [0.0, -0.0, 1.5, -2.25e-300, .infinity, -.infinity, .greatestFiniteMagnitude]
        for value in doubles { writer.double(value) }
        writer.double(.nan)
        var reader = WireReader(writer.bytes)
        for value in integers { XCTAssertEqual(try reader.int(), value) }
        for value in doubles { XCTAssertEqual(try reader.double().bitPattern, value.bitPattern) }
        XCTAssertTrue(try reader.double().isNaN)
        XCTAssertNoThrow(try reader.finish())
    }

    func testSmallIntegersTakeOneByte() {
        var writer = WireWriter()
        writer.int(-64)
        writer.int(63)
        XCTAssertEqual(writer.bytes, [127, 126])
    }

    func testEveryShortenedFrameIsRefused() throws {
        for request in Samples.requests {
            let bytes = RequestFrame(id: 9, request: request).binary()
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try RequestFrame(binary: Array(bytes.prefix(length))), "\(request) cut at \(length)")
            }
            XCTAssertThrowsError(try RequestFrame(binary: bytes + [0]), "trailing byte accepted")
        }
        for reply in Samples.replies {
            let bytes = ReplyFrame(id: 9, reply: reply).binary()
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try ReplyFrame(binary: Array(bytes.prefix(length))), "\(reply) cut at \(length)")
            }
        }
    }

    func testDamagedFramesAreRefused() {
        // id 1, then an unknown tag.
        XCTAssertThrowsError(try RequestFrame(binary: [2, 99]))
        XCTAssertThrowsError(try ReplyFrame(binary: [2, 0]))
        // A string claiming more bytes than the frame has.
        XCTAssertThrowsError(try ReplyFrame(binary: [2, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 65]))
        // An array claiming 2^62 elements must not reserve memory for them.
        XCTAssertThrowsError(try RequestFrame(binary: [2, 3, 0, 0, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]))
        // A varint longer than 64 bits.
        XCTAssertThrowsError(try RequestFrame(binary: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 9]))
        // Text that is not UTF-8.
        XCTAssertThrowsError(try ReplyFrame(binary: [2, 2, 2, 0xc3, 0x28]))
        // A boolean other than 0 or 1.
        XCTAssertThrowsError(try ReplyFrame(binary: [2, 3, 2]))
        // An error kind that does not exist.
        XCTAssertThrowsError(try ReplyFrame(binary: [2, 7, 9, 0, 0]))
    }

    func testATaskRequestIsSmall() {
        // What each task costs on the socket: the JSON form base64-encoded every byte string
        // and named every field.
        let request = RequestFrame(id: 120, request: .run(lease: 3, command: WireCommand(
            command: "echo step 1 > /tmp/x", stdin: [], timeout: 30, become: false, outputLimit: nil), then: []))
        XCTAssertLessThan(request.binary().count, 40)
    }
}
