/// What a copy destination is on the host, learnt in one read-only round trip.
///
/// The probe prints one line: `file <sha256> <mode> <user>:<group>`, `absent`, `noparent` or
/// `directory`, preceded by `inside` when `dest` was a folder and the file goes into it under
/// its source name (as `cp` and Ansible do).
enum RemoteFileState: Sendable, Hashable {
    case file(checksum: String, mode: Int, owner: String)
    /// No such file; its folder exists.
    case absent
    /// No such file, and no folder to put it in.
    case missingFolder
    case directory

    /// The probe command for `dest`; `name` is the file name to use inside `dest` when `dest`
    /// is a folder (nil: a folder is an error).
    static func probeCommand(dest: String, name: String?) -> String {
        let lines = [
            "d=\(ShellQuoting.quote(dest))",
            name.map { "if [ -d \"$d\" ]; then d=\"${d%/}\"/\(ShellQuoting.quote($0)); echo inside; fi" },
            "if [ -d \"$d\" ]; then echo directory",
            "elif [ -e \"$d\" ]; then h=$(sha256sum < \"$d\") && s=$(stat -L -c '%a %U:%G' -- \"$d\") && echo \"file ${h%% *} $s\"",
            "elif [ -d \"$(dirname -- \"$d\")\" ]; then echo absent",
            "else echo noparent; fi",
        ]
        return lines.compactMap { $0 }.joined(separator: "\n")
    }

    /// Reads the probe's output: the state, and whether the file goes inside `dest`.
    /// Returns nil for output the probe cannot have printed.
    static func parse(_ output: String) -> (state: RemoteFileState, inside: Bool)? {
        var lines = output.split(separator: "\n").map(String.init)
        let inside = lines.first == "inside"
        if inside { lines.removeFirst() }
        guard lines.count == 1 else { return nil }
        let words = lines[0].split(separator: " ").map(String.init)
        switch words.first {
        case "absent" where words.count == 1: return (.absent, inside)
        case "noparent" where words.count == 1: return (.missingFolder, inside)
        case "directory" where words.count == 1: return (.directory, inside)
        case "file" where words.count == 4:
            guard words[1].count == 64, let mode = Int(words[2], radix: 8) else { return nil }
            return (.file(checksum: words[1], mode: mode, owner: words[3]), inside)
        default: return nil
        }
    }
}
