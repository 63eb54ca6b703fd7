@testable import FleetKeep
import FleetSSH
import Foundation

/// One sample of every keeper message, with values no default would produce (non-empty
/// strings and bytes, set optionals, negative and large numbers), so a field that is lost
/// on the way cannot come back looking right.
enum Samples {
    static let target = WireTarget(SSHTarget(displayName: "lab-node1", address: "fd66::b", port: 2222, user: "fleet"))

    static let options = WireOptions(connectTimeout: 7.5, loginTimeout: 31.25, keepaliveInterval: 15, hostKeyPolicy: "accept-new",
                                     knownHostsFiles: ["/a/known_hosts", "/b/known_hosts"], identityFiles: ["/k/id_ed25519"],
                                     useAgent: true, agentSocket: "/run/agent.sock")

    static let command = WireCommand(command: "echo 'é' && exit 3", stdin: [0, 1, 255, 10], timeout: 12.5, become: true,
                                     outputLimit: 1 << 40)

    static let bareCommand = WireCommand(command: "true", stdin: [], timeout: nil, become: false, outputLimit: nil)

    static let requests: [KeeperRequest] = [
        .hello(protocolVersion: 2, build: "123-456-7.8", persist: 60),
        .open(lease: 5, target: target, options: options, runner: true),
        .run(lease: 5, command: command, then: [bareCommand, command]),
        .prepare(lease: 1 << 33),
        .upload(lease: 2, bytes: Array(0...255), path: "/tmp/ü x", mode: 0o4755),
        .uploadFile(lease: 2, localPath: "/home/me/file", path: "/srv/file", mode: 0o600),
        .download(lease: 3, path: "/etc/hostname"),
        .downloadFile(lease: 4, path: "/var/log/big.log", localPath: "/home/me/fetched/web1/var/log/big.log", become: true),
        .cancel(request: 77),
        .status,
        .stop,
        .bye,
    ]

    static let replies: [KeeperReply] = [
        .ready(pid: Int32.max),
        .otherBuild(build: "other"),
        .opened(reused: true),
        .result(WireResult(exitCode: -1, signal: "TERM", stdout: [1, 2, 3], stderr: Array("oops\n".utf8),
                           stdoutDropped: 1 << 35, stderrDropped: 9)),
        .result(WireResult(exitCode: nil, signal: nil, stdout: [], stderr: [], stdoutDropped: 0, stderrDropped: 0)),
        .done,
        .data(Array(repeating: 0xab, count: 70_000)),
        .failure(kind: .timedOut, message: "no answer from lab-node1", login: true),
        .status(KeeperStatus(pid: 4242, build: "b", persist: 90, clients: 2, hosts: [
            .init(host: "fleet@10.0.0.1:22", name: "lab-master", lent: true, runner: false, ageSeconds: 12.5, idleSeconds: 0.25),
            .init(host: "fleet@10.0.0.2:22", name: "lab-node1", lent: false, runner: true, ageSeconds: 1, idleSeconds: 3),
        ])),
    ]

    /// The full structure of a message as text, keys sorted.
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// "hello", "open", ...: the case of a message.
    static func caseName(_ message: Any) -> String {
        String(String(describing: message).prefix { $0 != "(" })
    }
}
