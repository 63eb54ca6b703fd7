import Foundation

/// What fleet needs to know about a private key file before offering it: its algorithm
/// (RSA keys need a warning with libssh2 1.10) and whether it needs a passphrase.
struct PrivateKeyFile {
    enum Algorithm: String { case ed25519, ecdsa, rsa, dsa, unknown }

    let path: String
    let algorithm: Algorithm
    let encrypted: Bool

    init?(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        self.path = path
        if text.contains("BEGIN OPENSSH PRIVATE KEY") {
            (algorithm, encrypted) = Self.inspectOpenSSH(text)
        } else {
            encrypted = text.contains("ENCRYPTED")
            if text.contains("BEGIN RSA") { algorithm = .rsa }
            else if text.contains("BEGIN EC") { algorithm = .ecdsa }
            else if text.contains("BEGIN DSA") { algorithm = .dsa }
            else { algorithm = .unknown }
        }
    }

    /// Reads the unencrypted header of an `openssh-key-v1` file: cipher name, then the public key's type.
    private static func inspectOpenSSH(_ text: String) -> (Algorithm, Bool) {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return (.unknown, false) }
        var reader = SSHWireReader(data: Array(data))
        guard reader.skipMagic("openssh-key-v1\0"),
              let cipher = reader.string(), reader.string() != nil, reader.string() != nil,
              reader.uint32() != nil, let publicKey = reader.bytes() else { return (.unknown, false) }
        var keyReader = SSHWireReader(data: publicKey)
        let type = keyReader.string() ?? ""
        let algorithm: Algorithm = type == "ssh-ed25519" ? .ed25519
            : type.hasPrefix("ecdsa") ? .ecdsa : type == "ssh-rsa" ? .rsa : type == "ssh-dss" ? .dsa : .unknown
        return (algorithm, cipher != "none")
    }
}

/// Reads SSH wire-format fields (uint32 lengths, big-endian).
struct SSHWireReader {
    let data: [UInt8]
    var offset = 0

    mutating func skipMagic(_ magic: String) -> Bool {
        let m = Array(magic.utf8)
        guard data.count >= m.count, Array(data[0..<m.count]) == m else { return false }
        offset = m.count
        return true
    }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= data.count else { return nil }
        let value = data[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        return value
    }

    mutating func bytes() -> [UInt8]? {
        guard let length = uint32(), offset + Int(length) <= data.count else { return nil }
        defer { offset += Int(length) }
        return Array(data[offset..<offset + Int(length)])
    }

    mutating func string() -> String? {
        bytes().map { String(decoding: $0, as: UTF8.self) }
    }
}
