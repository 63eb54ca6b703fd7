import Foundation

/// Privilege escalation through sudo, as Ansible's `become` does it.
///
/// Without `FLEET_BECOME_PASSWORD` sudo runs with `-n` and fails at once (never waits on a
/// prompt) when a password is needed; with it, the password goes to sudo's stdin (`-S`)
/// with an empty prompt, ahead of the command's own input, and never into the command line.
public enum Become {
    public static func wrap(
        _ command: String, stdin: [UInt8],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (command: String, stdin: [UInt8]) {
        let inner = "sh -c " + shellQuote(command)
        if let password = environment["FLEET_BECOME_PASSWORD"] {
            return ("sudo -S -p '' -- " + inner, Array((password + "\n").utf8) + stdin)
        }
        return ("sudo -n -- " + inner, stdin)
    }
}
