import FleetLab
import Foundation
import XCTest
@testable import FleetSSH

/// Logging in asks the server nothing it does not need: every request below is a round trip
/// per host, which at 40 ms of network latency is what `fleet exec` mostly waits for.
///
/// An sshd of its own logs every login request (LogLevel DEBUG) so the test counts requests,
/// not milliseconds.
final class LoginRoundTripTests: XCTestCase {
    /// A key that works is offered at once: no "none" request for the server's method list first,
    /// and one publickey request, already signed. (Upstream libssh2 asks whether the key would do
    /// before it signs, a second round trip; fleet's copy signs at once when it holds the private
    /// key, see `Sources/CLibSSH2/libssh2/README.md`.)
    func testAWorkingKeyLogsInWithoutAskingForTheMethodList() async throws {
        let lab = try LabSupport.lab()
        let server = try LoggingSSHD(lab: lab)
        defer { server.stop() }
        let session = try await server.connect(options: LabSupport.options(lab))
        let result = try await session.run("true")
        XCTAssertEqual(result.status.code, 0)
        await session.close()

        let log = try server.log()
        XCTAssertEqual(server.userauthRequests(in: log, method: "none"), 0, log)
        XCTAssertEqual(server.userauthRequests(in: log, method: "publickey"), 1, log)
    }

    /// Through ssh-agent, a key is still offered before the agent is asked to sign with it: an
    /// agent may hold keys the server refuses, and a hardware key would make its user touch it
    /// for each signature.
    func testAnAgentKeyIsOfferedBeforeItIsSigned() async throws {
        let lab = try LabSupport.lab()
        let server = try LoggingSSHD(lab: lab)
        defer { server.stop() }
        let socket = server.folder.appendingPathComponent("agent.sock").path
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]  // in the foreground, so the test owns and ends it
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        // KILL, not TERM: a child of the test process inherits its blocked signals, TERM included.
        defer { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        try LabSupport.shell("SSH_AUTH_SOCK=\(socket) ssh-add -q \(lab.keyPath.path) 2>&1")
        var options = LabSupport.options(lab)
        options.useAgent = true
        options.agentSocket = socket
        options.identityFiles = []
        let session = try await server.connect(options: options)
        let result = try await session.run("true")
        XCTAssertEqual(result.status.code, 0)
        await session.close()

        let log = try server.log()
        XCTAssertEqual(server.userauthRequests(in: log, method: "publickey"), 2, log)
    }

    /// While a session waits for the host it acknowledges at once (TCP_QUICKACK), not after the
    /// kernel's delayed-ACK timer: sshd holds a small packet until its previous one is
    /// acknowledged (Nagle), so a delayed ACK held every login 40 ms (`SSHSession.acknowledgeNow`).
    /// The kernel reports the mode: 1 = quick acknowledgements, 0 = delayed ("ping-pong"), which
    /// a request-and-answer connection like this one is in unless told otherwise.
    func testAWaitingSessionAcknowledgesAtOnce() async throws {
        let lab = try LabSupport.lab()
        try await LabSupport.withSession(lab) { session in
            // Request and answer a few times, which puts a connection into delayed-ACK mode.
            for _ in 0..<3 { _ = try await session.run("true") }
            async let slow = session.run("sleep 0.6; echo done")
            try await Task.sleep(nanoseconds: 300_000_000)
            var mode: Int32 = -1
            var size = socklen_t(MemoryLayout<Int32>.size)
            XCTAssertEqual(getsockopt(session.socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &mode, &size), 0)
            XCTAssertEqual(mode, 1, "the session waits with delayed acknowledgements")
            let result = try await slow
            XCTAssertEqual(result.stdoutText, "done\n")
        }
    }

    /// No keepalive goes out right after login: sshd's answer to it would hold back its answer
    /// to the first channel open for a delayed-ACK timeout (Nagle on sshd's side).
    func testNoKeepaliveIsSentBeforeTheFirstCommand() async throws {
        let lab = try LabSupport.lab()
        let server = try LoggingSSHD(lab: lab)
        defer { server.stop() }
        var options = LabSupport.options(lab)
        options.keepaliveInterval = 15
        let session = try await server.connect(options: options)
        _ = try await session.run("true")
        await session.close()

        let log = try server.log()
        XCTAssertTrue(log.contains("req exec"), "the log must show the command, or it says nothing:\n\(log)")
        XCTAssertFalse(log.contains("keepalive@libssh2.org"), log)
    }

    /// When no key logs in, the server's methods are still fetched and named in the error.
    func testARefusedKeyStillNamesTheServersMethods() async throws {
        let lab = try LabSupport.lab()
        let server = try LoggingSSHD(lab: lab)
        defer { server.stop() }
        let folder = try LabSupport.temporaryDirectory()
        try LabSupport.shell("ssh-keygen -q -t ed25519 -N '' -f \(folder.path)/stranger")
        var options = LabSupport.options(lab)
        options.identityFiles = [folder.path + "/stranger"]
        do {
            _ = try await server.connect(options: options)
            XCTFail("an unauthorised key must not log in")
        } catch SSHError.authenticationFailed(_, _, let tried, let methods) {
            XCTAssertEqual(tried, ["key \(folder.path)/stranger"])
            XCTAssertEqual(Set(methods), ["publickey"])
        }
        let log = try server.log()
        XCTAssertEqual(server.userauthRequests(in: log, method: "none"), 1, log)
    }
}

extension LoginRoundTripTests {
    /// A key the inventory names but that is not there is named in the failure; the default
    /// keys (`~/.ssh/id_ed25519`, `id_ecdsa`) are passed over quietly when missing.
    func testAMissingNamedKeyIsNamedInTheFailure() async throws {
        let lab = try LabSupport.lab()
        let server = try LoggingSSHD(lab: lab)
        defer { server.stop() }
        let missing = server.folder.appendingPathComponent("no-such-key").path
        var options = LabSupport.options(lab)
        options.identityFiles = [missing]
        do {
            _ = try await server.connect(options: options)
            XCTFail("logged in without a key")
        } catch SSHError.authenticationFailed(_, _, let tried, let methods) {
            XCTAssertEqual(tried, ["key \(missing) (no such file)"])
            XCTAssertEqual(methods, ["publickey"])
        }

        let defaultKey = server.folder.appendingPathComponent("id_ed25519").path
        let keys = IdentityKey.inspect([defaultKey, missing, lab.keyPath.path], defaults: [defaultKey])
        XCTAssertEqual(keys.map(\.path), [missing, lab.keyPath.path])
        XCTAssertEqual(keys.map(\.missing), [true, false])
        XCTAssertNotNil(keys.last?.file)
    }
}

/// A throwaway sshd on loopback for the lab's key user, logging at DEBUG to a file. Only
/// publickey is enabled, so a refused key leaves a known method list.
private struct LoggingSSHD {
    let server: LoopbackSSHD
    let user: String

    init(lab: Lab) throws {
        user = lab.user
        let authorized = lab.directory.appendingPathComponent("authorized_keys").path
        server = try LoopbackSSHD([
            "AuthorizedKeysFile none", "AuthorizedKeysCommand /bin/cat \(authorized)", "AuthorizedKeysCommandUser root",
            "StrictModes no", "UsePAM no", "PubkeyAuthentication yes", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "AllowUsers \(user)", "LogLevel DEBUG", "UseDNS no",
        ])
    }

    var folder: URL { server.folder }

    func connect(options: SSHOptions) async throws -> SSHSession {
        try await server.connect(user: user, options: options)
    }

    func log() throws -> String { try server.log() }

    /// How many login requests with `method` the server received.
    func userauthRequests(in log: String, method: String) -> Int {
        log.split(whereSeparator: \.isNewline).filter { $0.contains("userauth-request for user") && $0.contains("method \(method) [preauth]") }.count
    }

    func stop() { server.stop() }
}
