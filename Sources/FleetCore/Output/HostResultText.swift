import Foundation

/// The text for one task finishing on one host, in aligned columns so a long run can be
/// scanned by eye:
///
///     lab-node1   changed       0.21s  write config
///     lab-node2   skipped       0.00s  create marker (creates: /srv/marker exists)
///     lab-node3   FAILED        0.05s  install kubeadm
///         rc=100: E: Unable to locate package kubeadm
///         | Reading package lists...
///         | E: Unable to locate package kubeadm
///         full log: .fleet/logs/20261122-013502-ab12/lab-node3/03-install-kubeadm.err
///
/// A failure carries everything needed to act on it where it happens: host, task, exit code,
/// the last lines of stderr (stdout when stderr is empty) and the log with all of it.
public struct HostResultText: Sendable {
    /// Width of the host column: the longest name of the run.
    public var hostWidth: Int
    public var verbosity: Verbosity
    public var palette: Palette
    /// Log paths under this folder are shown relative to it.
    public var folder: String?

    public init(hostWidth: Int, verbosity: Verbosity = .normal, palette: Palette = .plain, folder: String? = nil) {
        self.hostWidth = hostWidth
        self.verbosity = verbosity
        self.palette = palette
        self.folder = folder
    }

    /// Lines shown from the end of a failed task's output.
    public static let failureLines = 5
    static let indent = "    "

    /// The line, then what the verbosity and status add below it; each line ends in `\n`.
    public func text(_ result: RunEvent.HostResult) -> String {
        var text = headline(result) + "\n"
        for command in result.commands { text += Self.wouldRun(command) }
        let failed = result.status == .failed && !result.ignored
        if failed { text += failureDetails(result) }
        if verbosity >= .debug, !failed, result.status != .skipped, result.commands.isEmpty, let ran = result.message {
            text += Self.indent + palette.paint("ran: ", .dim) + ran + "\n"
        }
        if verbosity >= .verbose, !failed {
            text += quoted(result.stdoutExcerpt, label: "out") + quoted(result.stderrExcerpt, label: "err")
        }
        return text
    }

    /// `host  STATUS  duration  task` with the reason for skips, ignored failures and unreachable hosts.
    func headline(_ result: RunEvent.HostResult) -> String {
        let status: String
        switch result.status {
        case .ok, .changed, .skipped: status = result.status.rawValue
        case .failed: status = result.ignored ? "failed" : "FAILED"
        case .unreachable: status = "UNREACHABLE"
        }
        var line = Self.pad(result.host, hostWidth) + "  "
            + palette.paint(Self.pad(status, 11), Palette.style(for: result.status)) + "  "
            + Self.leftPad(Self.seconds(result.duration), 7) + "  " + result.task
        switch result.status {
        case .skipped, .unreachable:
            if let message = result.message { line += " (\(Self.firstLine(message)))" }
        case .failed where result.ignored:
            line += " (ignored: \(Self.firstLine(result.message ?? result.rc.map { "rc=\($0)" } ?? "failed")))"
        case .ok where !result.commands.isEmpty, .changed where !result.commands.isEmpty:
            // Check mode: the condition the commands depend on.
            if let message = result.message { line += " (\(Self.firstLine(message)))" }
        default:
            break
        }
        return line
    }

    /// `would run: COMMAND`, a multi-line command's further lines indented under its first
    /// so they do not read as lines of their own, without the trailing newline of a YAML block.
    /// Plans that say what they would do themselves (`would copy 3 bytes to ...`) get no prefix.
    static func wouldRun(_ command: String) -> String {
        let lines = command.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
        let prefix = command.hasPrefix("would ") ? "" : "would run: "
        let continuation = indent + String(repeating: " ", count: prefix.count)
        return indent + prefix + lines.map(String.init).joined(separator: "\n" + continuation) + "\n"
    }

    /// Why, the last lines of output, and where the whole of it is.
    func failureDetails(_ result: RunEvent.HostResult) -> String {
        var text = ""
        let reason = result.message.map(Self.firstLine) ?? result.rc.map { "rc=\($0)" } ?? "failed"
        text += Self.indent + palette.paint(reason, result.ignored ? nil : .failed) + "\n"
        let useStderr = !result.stderrExcerpt.isEmpty || result.stdoutExcerpt.isEmpty
        let excerpt = useStderr ? result.stderrExcerpt : result.stdoutExcerpt
        let lines = excerpt.isEmpty ? [] : excerpt.split(separator: "\n", omittingEmptySubsequences: false).suffix(Self.failureLines)
        for line in lines { text += Self.indent + "| " + line + "\n" }
        if let log = result.logPath {
            text += Self.indent + "full log: " + PathText.relative(log, to: folder) + (useStderr ? ".err" : ".out") + "\n"
        }
        return text
    }

    private func quoted(_ excerpt: String, label: String) -> String {
        guard !excerpt.isEmpty else { return "" }
        return excerpt.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Self.indent + palette.paint(label + "| ", .dim) + $0 + "\n" }.joined()
    }

    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
    }

    static func seconds(_ value: Double) -> String { Digits.fixed(value, decimals: 2) + "s" }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

/// Paths as a person at the prompt would type them.
enum PathText {
    /// `path` relative to `folder` when it is inside it, else as is.
    static func relative(_ path: String, to folder: String?) -> String {
        guard let folder, !folder.isEmpty else { return path }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
