import Foundation

/// Runs the system programs the lab is made of (`ip`, `ssh-keygen`, `sshd`, `useradd`, ...).
///
/// The lab deliberately uses the same tools an administrator would, so what it builds can be
/// inspected and cleaned up by hand; this type is the one place that starts them.
enum ExternalCommand {
    /// Where the lab looks for programs besides `PATH`: root's tools live in sbin, which a
    /// non-root `PATH` often lacks.
    static let extraSearchPath = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"]

    /// Absolute path of `tool`, or `LabError.missingTool`.
    static func locate(_ tool: String) throws -> String {
        let pathDirectories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in pathDirectories + extraSearchPath {
            let candidate = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw LabError.missingTool(tool)
    }

    /// Runs `tool` with `arguments`, feeding `input` on stdin, and returns its stdout.
    ///
    /// - Throws: `LabError.commandFailed` with the tail of stderr when it exits non-zero.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        let result = try Subprocess.run(try locate(tool), arguments, input: Data((input ?? "").utf8))
        guard result.status == 0 else {
            throw LabError.commandFailed(
                command: ([tool] + arguments).joined(separator: " ").truncated(to: 200),
                status: result.status,
                stderr: String(decoding: result.stderr, as: UTF8.self).lastLines(10)
            )
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Runs a generated `/bin/sh` script, for work that is one short line per host
    /// (hundreds of `ip` or `ssh-keygen` calls) and would cost a Swift round trip each.
    @discardableResult
    static func runScript(_ script: String) throws -> String {
        try run("sh", ["-e", "-s"], input: script)
    }
}

/// Quotes `text` for `/bin/sh` so paths with spaces or quotes survive generated scripts.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension String {
    func lastLines(_ count: Int) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).suffix(count + 1)
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func truncated(to length: Int) -> String {
        count <= length ? self : String(prefix(length)) + "..."
    }
}
