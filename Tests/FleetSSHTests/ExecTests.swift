import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// Commands on real sshd lab hosts: output, exit codes, signals, big and binary output,
/// timeouts, many channels on one session.
final class ExecTests: XCTestCase {
    func testOutputExitCodeAndStreamsAreSeparate() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let result = try await session.run("echo out; echo err >&2; hostname; exit 3")
            XCTAssertEqual(result.status, ExitStatus(code: 3))
            XCTAssertEqual(result.stdoutText, "out\nlab-master\n")
            XCTAssertEqual(result.stderrText, "err\n")
        }
    }

    func testSignalIsReportedInsteadOfAnExitCode() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let result = try await session.run("echo before; kill -KILL $$")
            XCTAssertEqual(result.status.signal, "KILL")
            XCTAssertNil(result.status.code)
            XCTAssertEqual(result.stdoutText, "before\n")
        }
    }

    /// Both streams share one SSH window: a client that reads only one of them deadlocks here.
    func testTenMegabytesOnEachStreamAtOnceArriveExactly() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let result = try await session.run(
                "(yes abcdefghij | head -c 10000000) & (yes 0123456789 | head -c 10000000 >&2); wait", timeout: 60)
            XCTAssertTrue(result.status.succeeded)
            XCTAssertEqual(result.stdout.count, 10_000_000)
            XCTAssertEqual(result.stderr.count, 10_000_000)
            let expectedOut = Array(String(repeating: "abcdefghij\n", count: 10_000_000 / 11 + 1).utf8.prefix(10_000_000))
            let expectedErr = Array(String(repeating: "0123456789\n", count: 10_000_000 / 11 + 1).utf8.prefix(10_000_000))
            XCTAssertTrue(result.stdout == expectedOut, "stdout bytes differ")
            XCTAssertTrue(result.stderr == expectedErr, "stderr bytes differ")
        }
    }

    func testBinaryOutputIsPreservedByteForByte() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            // Every byte value, written by printf from octal escapes.
            let script = (0..<256).map { String(format: "\\%03o", $0) }.joined()
            let result = try await session.run("printf '\(script)'; printf '\(script)' >&2")
            XCTAssertEqual(result.stdout, Array(0...255).map(UInt8.init))
            XCTAssertEqual(result.stderr, Array(0...255).map(UInt8.init))
        }
    }

    func testStdinIsDeliveredAndThenClosed() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let piped = try await session.run("cat; echo end", stdin: Array("line one\nline two\n".utf8))
            XCTAssertEqual(piped.stdoutText, "line one\nline two\nend\n")
            // No input: a reader sees end of file at once instead of hanging.
            let empty = try await session.run("cat; echo done", timeout: 10)
            XCTAssertEqual(empty.stdoutText, "done\n")
        }
    }

    func testTimeoutAbandonsTheCommandAndTheSessionStaysUsable() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let start = Date()
            do {
                _ = try await session.run("sleep 30", timeout: 1)
                XCTFail("the command should have timed out")
            } catch let error as SSHError {
                XCTAssertEqual(error, .commandTimedOut(seconds: 1))
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
            let after = try await session.run("echo still here")
            XCTAssertEqual(after.stdoutText, "still here\n")
        }
    }

    func testManyCommandsShareOneSession() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            var connections: Set<String> = []
            for index in 0..<30 {
                let result = try await session.run("echo \(index) $SSH_CONNECTION")
                let words = result.stdoutText.split(separator: " ", maxSplits: 1)
                XCTAssertEqual(words.first.map(String.init), "\(index)")
                connections.insert(String(words.last ?? ""))
            }
            let outputs = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask { try await session.run("sleep 0.2; echo \(index) $SSH_CONNECTION").stdoutText }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            XCTAssertEqual(Set(outputs.map { String($0.split(separator: " ")[0]) }), Set((0..<20).map { "\($0)" }))
            for output in outputs { connections.insert(String(output.split(separator: " ", maxSplits: 1)[1])) }
            // sshd saw one TCP connection (same client address and port) for all 50 commands.
            XCTAssertEqual(connections.count, 1, "\(connections)")
        }
    }

    /// A consumer that does not read holds the remote back instead of filling memory.
    func testOutputIsHeldBackWhileTheConsumerDoesNotRead() async throws {
        try await LabSupport.withSession(try LabSupport.lab()) { session in
            let (output, exit) = session.start("head -c 100000000 /dev/zero", timeout: 60)
            var iterator = output.makeAsyncIterator()
            var received = 0
            if let (_, first) = await iterator.next() { received += first.count }
            let cpuBefore = Self.processCPUSeconds()
            try await Task.sleep(nanoseconds: 1_500_000_000)
            let cpuWhileWaiting = Self.processCPUSeconds() - cpuBefore
            XCTAssertLessThan(cpuWhileWaiting, 0.3, "the session spun while its consumer was not reading")
            let buffered = output.pipe.bufferedBytes
            XCTAssertLessThanOrEqual(buffered, 1 << 20 + 64 * 1024, "output beyond the high-water mark was buffered")
            while let (_, bytes) = await iterator.next() { received += bytes.count }
            XCTAssertEqual(received, 100_000_000)
            let status = try await exit.value
            XCTAssertTrue(status.succeeded)
        }
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func testIPv6AddressConnects() async throws {
        let lab = try LabSupport.lab()
        let host = try XCTUnwrap(lab.hosts().first)
        let address6 = try XCTUnwrap(host.address6, "the root lab gives every host an IPv6 address")
        var target = LabSupport.target(host)
        target.address = address6
        let session = try await SSHSession.connect(to: target, options: LabSupport.options(lab))
        let result = try await session.run("hostname")
        await session.close()
        XCTAssertEqual(result.stdoutText, "lab-master\n")
    }
}
