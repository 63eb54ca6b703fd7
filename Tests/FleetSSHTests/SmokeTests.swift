import XCTest
@testable import FleetSSH

final class SmokeTests: XCTestCase {
    func testSmoke() async throws {
        var options = SSHOptions()
        options.knownHostsFiles = ["/tmp/smoke/known_hosts"]
        options.identityFiles = ["/tmp/smoke/id"]
        options.useAgent = false
        let session = try await SSHSession.connect(to: SSHTarget(address: "127.0.0.1", port: 2299, user: "root"), options: options)
        let r = try await session.run("echo hello; echo err >&2; exit 3")
        XCTAssertEqual(r.stdoutText, "hello\n")
        XCTAssertEqual(r.stderrText, "err\n")
        XCTAssertEqual(r.status.code, 3)
        let start = Date()
        let big = try await session.run("head -c 10000000 /dev/zero; head -c 10000000 /dev/zero >&2")
        print("20MB in", Date().timeIntervalSince(start))
        XCTAssertEqual(big.stdout.count, 10_000_000)
        XCTAssertEqual(big.stderr.count, 10_000_000)
        let sig = try await session.run("kill -9 $$")
        XCTAssertEqual(sig.status.signal, "KILL")
        do {
            _ = try await session.run("sleep 5", timeout: 1)
            XCTFail("no timeout")
        } catch let e as SSHError { XCTAssertEqual(e, .commandTimedOut(seconds: 1)) }
        let r2 = try await session.run("cat", stdin: Array("piped".utf8))
        XCTAssertEqual(r2.stdoutText, "piped")
        async let a = session.run("echo a")
        async let b = session.run("echo b")
        let (ra, rb) = try await (a, b)
        XCTAssertEqual(ra.stdoutText + rb.stdoutText, "a\nb\n")
        let t0 = Date()
        try await session.upload(from: "/tmp/smoke/big", to: "/tmp/smoke/big.up", mode: 0o640)
        print("50MB up in", Date().timeIntervalSince(t0))
        let sum = try await session.run("sha256sum /tmp/smoke/big /tmp/smoke/big.up | cut -c1-64 | uniq | wc -l; stat -c %a /tmp/smoke/big.up")
        XCTAssertEqual(sum.stdoutText, "1\n640\n")
        let t1 = Date()
        try await session.download("/tmp/smoke/big.up", to: "/tmp/smoke/big.down")
        print("50MB down in", Date().timeIntervalSince(t1))
        XCTAssertEqual(FileManager.default.contents(atPath: "/tmp/smoke/big.down"), FileManager.default.contents(atPath: "/tmp/smoke/big"))
        await session.close()
    }
}
