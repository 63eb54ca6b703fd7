import Foundation

/// A command's timeout enforced on the host as well, for commands on a channel of their own.
///
/// sshd does not stop a command whose channel the client closes (without a terminal nothing
/// gets a hangup). fleet sends TERM over the channel at its own deadline (`ExecOperation`), but
/// that needs sshd 7.9 or later and fleet's own libssh2 (1.10 has no call for it). With this
/// wrapper the host ends the command at the same deadline whatever the versions: coreutils
/// `timeout` sends TERM to the command's process group, and KILL 3 seconds later if it is
/// still there, exactly as the task runner does for the tasks it runs. A host without
/// `timeout` (a minimal image) runs the command as before, and only fleet's signals apply.
///
/// The wrapper is POSIX sh, parsed by the login shell; the command itself runs under `sh -c`,
/// as it does through the task runner. With `become`, sudo must run the wrapper, not the other
/// way round: `timeout` as the login user cannot signal what sudo runs as root.
public enum RemoteTimeout {
    /// Whether `status` is `timeout`'s when it stopped the command: exit code 124 after TERM;
    /// after KILL, `timeout` kills its own process group, itself included, so sshd reports
    /// the signal (a shell in between would make it 137).
    public static func endedByTimeout(_ status: ExitStatus) -> Bool {
        status.code == 124 || status.code == 137 || status.signal == "KILL"
    }

    /// `command` as a line that ends it on the host after `seconds`.
    public static func wrap(_ command: String, seconds: Double) -> String {
        "set -- sh -c \(shellQuote(command)); command -v timeout >/dev/null 2>&1 && set -- timeout -k 3 "
            + duration(seconds) + " \"$@\"; exec \"$@\""
    }

    /// Seconds in a form `timeout` reads, rounded up to the millisecond and never 0 (which
    /// `timeout` takes as "no limit"); beyond 31 years it is 31 years.
    static func duration(_ seconds: Double) -> String {
        let bounded = seconds.isFinite ? min(max(seconds, 0), 1e9) : 1e9
        let milliseconds = max(1, Int((bounded * 1000).rounded(.up)))
        if milliseconds % 1000 == 0 { return String(milliseconds / 1000) }
        return String(format: "%d.%03d", milliseconds / 1000, milliseconds % 1000)
    }
}
