import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// A long-lived remote process fed through its standard input while it runs.
final class InteractiveTests: XCTestCase {
    func testRequestsAndAnswersOverOneChannel() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let (input, output, exit) = session.startInteractive("while read -r line; do echo \"got $line\"; done; echo bye")
            var iterator = output.makeAsyncIterator()
            var received = ""
            for word in ["one", "two", "three"] {
                input.write(Array("\(word)\n".utf8))
                // The answer to each line arrives before the next line is sent.
                while !received.hasSuffix("got \(word)\n") {
                    guard let (_, bytes) = await iterator.next() else { return XCTFail("output ended early") }
                    received += String(decoding: bytes, as: UTF8.self)
                }
            }
            input.close()
            while let (_, bytes) = await iterator.next() { received += String(decoding: bytes, as: UTF8.self) }
            XCTAssertEqual(received, "got one\ngot two\ngot three\nbye\n")
            let status = try await exit.value
            XCTAssertEqual(status, ExitStatus(code: 0))
        }
    }

    func testLargeInputIsWrittenCompletely() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let (input, output, exit) = session.startInteractive("wc -c")
            let chunk = [UInt8](repeating: 65, count: 1 << 20)
            for _ in 0..<8 { input.write(chunk) }
            input.close()
            var text = ""
            for await (_, bytes) in output { text += String(decoding: bytes, as: UTF8.self) }
            XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines), "\(8 << 20)")
            _ = try await exit.value
        }
    }
}
