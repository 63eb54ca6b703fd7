import FleetCore
import Foundation

/// A `HostConnection` for action tests: this machine's own `/bin/sh` and files, standing in
/// for a remote host, with every command, upload and download recorded.
///
/// Commands really run (so the shell text actions build is really tested, quoting included),
/// but tests keep every "remote" path under `root`, a fresh folder per test. `become` is
/// recorded, not applied (tests already run with whatever rights they have); `refuseBecome`
/// makes sudo fail as it does without a password. Uploads are atomic with the given mode and
/// fail like SFTP when the folder is missing.
actor FakeHost: HostConnection {
    let root: String
    /// A controller-side folder for the same test (the playbook's), removed with the host.
    let localFolder: String
    private(set) var commands: [RemoteCommand] = []
    private(set) var uploads: [(path: String, mode: Int)] = []
    private(set) var downloads: [String] = []
    var refuseBecome = false

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-fake-\(UUID().uuidString)").path
        localFolder = root + "-local"
        for folder in [root, localFolder] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    }

    deinit { for folder in [root, localFolder] { try? FileManager.default.removeItem(atPath: folder) } }

    /// `relative` under the host's root folder.
    nonisolated func path(_ relative: String) -> String { root + "/" + relative }

    func setRefuseBecome(_ value: Bool) { refuseBecome = value }

    func run(_ command: RemoteCommand) async throws -> RemoteResult {
        commands.append(command)
        if command.become && refuseBecome {
            return RemoteResult(exitCode: 1, stderr: Array("sudo: a password is required\n".utf8))
        }
        return try Self.shell(command.command, stdin: command.stdin)
    }

    func upload(_ bytes: [UInt8], to path: String, mode: Int) async throws {
        uploads.append((path, mode))
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: folder) else {
            throw TransportError(.failed, "SFTP upload to \(path) failed: no such file")
        }
        let temporary = path + ".fake-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
            throw TransportError(.failed, "SFTP upload to \(path) failed: permission denied")
        }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        guard rename(temporary, path) == 0 else { throw TransportError(.failed, "SFTP rename to \(path) failed") }
    }

    func download(_ path: String) async throws -> [UInt8] {
        downloads.append(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TransportError(.failed, "SFTP download of \(path) failed: no such file")
        }
        return [UInt8](data)
    }

    /// Runs `text` with `/bin/sh -c`, stdout and stderr through files so neither pipe can fill up.
    static func shell(_ text: String, stdin: [UInt8] = []) throws -> RemoteResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-fake-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in"), output = scratch.appendingPathComponent("out"),
            errors = scratch.appendingPathComponent("err")
        for (url, bytes) in [(input, stdin), (output, []), (errors, [])] { try Data(bytes).write(to: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", text]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal
        return RemoteResult(exitCode: killed ? nil : process.terminationStatus, signal: killed ? "\(process.terminationStatus)" : nil,
                            stdout: [UInt8](try Data(contentsOf: output)), stderr: [UInt8](try Data(contentsOf: errors)))
    }
}

/// Contexts and files for action tests.
enum ActionFixtures {
    /// A context on `host` with `variables`, the playbook folder being a fresh local folder.
    static func context(_ host: FakeHost, variables: [String: VariableValue] = [:], become: Bool = false,
                        playbookDirectory: String? = nil) throws -> ActionContext {
        let directory = playbookDirectory ?? host.localFolder
        return ActionContext(host: FleetCore.Host(name: "web1"), connection: host, scope: DictionaryScope(variables),
                             playbookDirectory: directory, become: become, timeout: 30)
    }

    static func template(_ text: String) throws -> Template {
        try Template(parsing: text, location: SourceLocation(file: "play.yml", line: 3, column: 7))
    }

    static func write(_ text: String, to path: String, mode: Int = 0o644) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
