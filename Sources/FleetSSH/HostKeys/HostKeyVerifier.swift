import CLibSSH2
import Foundation

/// Checks a server's host key against known_hosts before anything is sent to it.
///
/// Strict by default; `accept-new` records unknown hosts; a key that differs from the one on
/// record is always refused, with both fingerprints and the line to fix.
struct HostKeyVerifier {
    let policy: HostKeyPolicy
    let files: [String]

    /// The name OpenSSH records for a target: `host`, or `[host]:port` off port 22.
    static func recordName(_ target: SSHTarget) -> String {
        target.port == 22 ? target.address : "[\(target.address)]:\(target.port)"
    }

    private func entries(for target: SSHTarget) -> [KnownHostEntry] {
        let name = Self.recordName(target)
        return files.flatMap { KnownHostsFile.entries(in: $0, matching: name) }.filter { $0.marker != .certAuthority }
    }

    /// Host key algorithms to ask for: those already on record first, so a host known by its
    /// ECDSA key is not reported as changed because it also offers ed25519 (what OpenSSH does).
    func preference(for target: SSHTarget) -> String? {
        let known = entries(for: target).filter { $0.marker == .none }.compactMap { HostKeyType(rawValue: $0.keyType) }
        guard !known.isEmpty else { return nil }
        var ordered: [HostKeyType] = []
        for type in known + HostKeyType.defaultPreference where !ordered.contains(type) {
            ordered.append(type)
        }
        return ordered.map(\.rawValue).joined(separator: ",")
    }

    /// Verifies the key the server presented in the handshake of `session`.
    func verify(_ session: OpaquePointer, target: SSHTarget) throws {
        var length = 0
        var type: Int32 = 0
        guard let pointer = libssh2_session_hostkey(session, &length, &type),
              let keyType = HostKeyType(libssh2: type) else {
            throw SSHError.handshakeFailed(reason: "the server presented no host key fleet can check")
        }
        let blob = Array(UnsafeRawBufferPointer(start: pointer, count: length))
        let fingerprint = sha256Fingerprint(blob)
        let candidates = entries(for: target)
        if candidates.contains(where: { $0.marker == .revoked && $0.key == blob }) {
            throw SSHError.handshakeFailed(reason: "host key \(fingerprint) of \(target.address) is marked @revoked")
        }
        let sameType = candidates.filter { $0.marker == .none && $0.keyType == keyType.rawValue }
        if sameType.contains(where: { $0.key == blob }) { return }
        if let recorded = sameType.first {
            throw SSHError.hostKeyMismatch(HostKeyMismatch(
                host: target.address, port: target.port, keyType: keyType.rawValue,
                expectedFingerprint: sha256Fingerprint(recorded.key), presentedFingerprint: fingerprint,
                knownHostsFile: recorded.file, knownHostsLine: recorded.line))
        }
        switch policy {
        case .strict:
            throw SSHError.hostKeyUnknown(host: target.address, port: target.port, keyType: keyType.rawValue,
                                          fingerprint: fingerprint, knownHostsFiles: files)
        case .acceptNew:
            guard let file = files.first else { return }
            let line = "\(Self.recordName(target)) \(keyType.rawValue) \(Data(blob).base64EncodedString())"
            try KnownHostsFile.append(line, to: file)
        }
    }
}
