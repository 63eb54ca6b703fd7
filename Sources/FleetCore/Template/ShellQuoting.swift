import Foundation

/// POSIX shell quoting, as the `quote` filter does it.
///
/// Matches Python's `shlex.quote` (which Ansible's `quote` uses): words made only of
/// `[A-Za-z0-9_@%+=:,./-]` stay as they are, the empty string becomes `''`, anything else is
/// wrapped in single quotes with each `'` written as `'"'"'`. Inside single quotes a POSIX
/// shell interprets nothing, so `$(…)`, backticks, `\` and newlines arrive literally.
public enum ShellQuoting {
    /// `text` as one shell word.
    public static func quote(_ text: String) -> String {
        if text.isEmpty { return "''" }
        if text.unicodeScalars.allSatisfy(isSafe) { return text }
        // Split and joined in Swift: Foundation's `replacingOccurrences` goes through NSString,
        // and every task's command is quoted.
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\"'\"'") + "'"
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "_", "@", "%", "+", "=", ":", ",", ".", "/", "-": return true
        default: return false
        }
    }
}
