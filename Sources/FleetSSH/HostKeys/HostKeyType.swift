import CLibSSH2

/// The host key algorithms libssh2 1.10 can verify, with their OpenSSH names.
enum HostKeyType: String, CaseIterable {
    case ecdsa256 = "ecdsa-sha2-nistp256"
    case ecdsa384 = "ecdsa-sha2-nistp384"
    case ecdsa521 = "ecdsa-sha2-nistp521"
    case ed25519 = "ssh-ed25519"
    case rsa = "ssh-rsa"
    case dss = "ssh-dss"

    init?(libssh2 type: Int32) {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: self = .ecdsa256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: self = .ecdsa384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: self = .ecdsa521
        case LIBSSH2_HOSTKEY_TYPE_ED25519: self = .ed25519
        case LIBSSH2_HOSTKEY_TYPE_RSA: self = .rsa
        case LIBSSH2_HOSTKEY_TYPE_DSS: self = .dss
        default: return nil
        }
    }

    /// libssh2's default preference order (hostkey.c), used after the types already on record.
    static let defaultPreference: [HostKeyType] = [.ecdsa256, .ecdsa384, .ecdsa521, .ed25519, .rsa, .dss]
}

/// OpenSSH's fingerprint format: `SHA256:` and unpadded base64 of the key blob's digest.
func sha256Fingerprint(_ blob: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    _ = blob.withUnsafeBytes { clibssh2_sha256($0.baseAddress, blob.count, &digest) }
    let base64 = Data(digest).base64EncodedString().replacingOccurrences(of: "=", with: "")
    return "SHA256:" + base64
}

import Foundation
