import Foundation

/// Why the lab could not be brought up, inspected or taken down.
///
/// Each case names the host or tool involved so the message alone tells the user what to fix.
public enum LabError: Error, LocalizedError, Sendable, Equatable {
    /// A program the lab shells out to is not installed (or not on `PATH`).
    case missingTool(String)
    /// A program exited non-zero; carries its command line and the tail of its stderr.
    case commandFailed(command: String, status: Int32, stderr: String)
    /// An sshd did not accept connections before the deadline; carries its log tail.
    case hostNotAnswering(host: String, address: String, port: Int, logTail: String)
    /// More hosts than one lab's subnet and bridge can hold.
    case tooManyHosts(requested: Int, limit: Int)
    /// Every candidate subnet overlaps a route already on this machine.
    case noFreeSubnet
    /// The operation needs network namespaces, which need root.
    case needsRoot(String)
    /// A file the lab writes or reads could not be handled.
    case file(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .missingTool(let tool):
            return "error: '\(tool)' is not installed; the lab needs it"
                + "\n  hint: on Debian/Ubuntu: apt-get install openssh-server openssh-client iproute2 sudo util-linux passwd"
        case .commandFailed(let command, let status, let stderr):
            let detail = stderr.isEmpty ? "" : ":\n\(stderr)"
            return "error: '\(command)' exited with status \(status)\(detail)"
        case .hostNotAnswering(let host, let address, let port, let logTail):
            let log = logTail.isEmpty ? " (its log is empty)" : "; its sshd log ends with:\n\(logTail)"
            return "error: lab host \(host) (\(address) port \(port)) did not accept SSH connections in time\(log)"
        case .tooManyHosts(let requested, let limit):
            return "error: a lab holds at most \(limit) hosts, \(requested) were requested"
        case .noFreeSubnet:
            return "error: every lab subnet in 10.213.0.0/16 overlaps an existing route (see 'ip route')"
        case .needsRoot(let what):
            return "error: \(what) needs root (network namespaces); run as root or use the loopback lab"
        case .file(let path, let reason):
            return "error: \(path): \(reason)"
        }
    }
}
