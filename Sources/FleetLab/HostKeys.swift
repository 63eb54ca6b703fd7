import Foundation

/// ed25519 key pairs made with `ssh-keygen`: the lab's client key and each host's own host key.
///
/// Measured on a 2-core machine: ssh-keygen takes about 6 ms per key serially and 2.7 ms per
/// key when run 20 at a time, so 500 host keys cost about 1.5 s. That is cheap enough to give
/// every host its own key, which keeps known_hosts checks meaningful (a host answering with
/// another host's key is a mismatch, as in real fleets).
enum HostKeys {
    /// Keys generated concurrently per shell batch.
    static let parallelism = 32

    /// Generates an unencrypted ed25519 key at each path whose private key does not exist yet.
    static func generateMissing(_ requests: [(path: URL, comment: String)]) throws {
        let missing = requests.filter { !FileManager.default.fileExists(atPath: $0.path.path) }
        guard !missing.isEmpty else { return }
        let keygen = try ExternalCommand.locate("ssh-keygen")
        for batch in stride(from: 0, to: missing.count, by: parallelism).map({ missing[$0..<min($0 + parallelism, missing.count)] }) {
            var script = ""
            for request in batch {
                try FileManager.default.createDirectory(at: request.path.deletingLastPathComponent(), withIntermediateDirectories: true)
                script += "\(keygen) -q -t ed25519 -N '' -C \(shellQuoted(request.comment)) -f \(shellQuoted(request.path.path)) </dev/null &\n"
            }
            // `wait PID` per job makes the script fail when any ssh-keygen does.
            script = "pids=''\n" + script.replacingOccurrences(of: "&\n", with: "& pids=\"$pids $!\"\n")
                + "for p in $pids; do wait $p; done\n"
            try ExternalCommand.runScript(script)
        }
    }

    /// The public key line (`ssh-ed25519 AAAA... comment`) without the comment.
    static func publicKey(at privateKey: URL) throws -> String {
        let publicPath = URL(fileURLWithPath: privateKey.path + ".pub")
        guard let text = AtomicFile.read(publicPath) else {
            throw LabError.file(path: publicPath.path, reason: "missing public key")
        }
        return text.split(separator: " ").prefix(2).joined(separator: " ")
    }
}
