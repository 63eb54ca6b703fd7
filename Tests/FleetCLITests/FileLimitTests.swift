import Foundation
import XCTest

/// fleet raises its open-file limit to the hard limit at start-up, so `--forks 500` does not
/// run out of descriptors where the soft limit is the common 1024 (or lower).
final class FileLimitTests: XCTestCase {
    func testSoftOpenFileLimitIsRaisedToTheHardLimit() throws {
        #if os(Linux)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else {
            throw XCTSkip("prlimit(1) is needed to start fleet with a low soft limit")
        }
        // A host that accepts the connection and never speaks keeps fleet waiting for the banner.
        let listener = try SilentListener()
        defer { listener.close() }
        let folder = try FleetBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inventory = folder.appendingPathComponent("hosts.yml")
        try """
            groups:
              silent:
                hosts:
                  mute: { address: 127.0.0.1, port: \(listener.port) }
            """.write(to: inventory, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--nofile=64:4096", FleetBinary.url.path, "exec", "-i", inventory.path, "all",
                             "--connect-timeout", "5", "--timeout", "5", "--", "true"]
        process.environment = FleetBinary.environment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }

        // prlimit execs fleet in place: same pid, once /proc/PID/exe is fleet the limit is fleet's.
        var limits: [String]?
        for _ in 0..<100 where limits == nil {
            let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/exe")
            if exe?.hasSuffix("/fleet") == true, listener.acceptedConnection() {
                let text = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
                limits = text.split(separator: "\n").first { $0.hasPrefix("Max open files") }?
                    .split(separator: " ").map(String.init)
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let row = try XCTUnwrap(limits, "fleet never connected to the silent host")
        XCTAssertEqual(Array(row.suffix(3)), ["4096", "4096", "files"], "soft limit not raised: \(row)")
        #else
        throw XCTSkip("reads /proc")
        #endif
    }
}

#if os(Linux)
/// A loopback TCP listener that accepts and never answers.
private final class SilentListener {
    let descriptor: Int32
    let port: Int
    private var accepted: [Int32] = []

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    }

    /// Whether a client has connected (accepting it, non-blocking).
    func acceptedConnection() -> Bool {
        let client = accept(descriptor, nil, nil)
        if client >= 0 { accepted.append(client) }
        return !accepted.isEmpty
    }

    func close() {
        for client in accepted + [descriptor] { Glibc.close(client) }
    }
}
#endif
