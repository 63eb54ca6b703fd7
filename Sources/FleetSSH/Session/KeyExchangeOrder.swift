/// The key exchange methods fleet offers, best first.
///
/// The same methods libssh2 1.10 offers, in another order: `ecdh-sha2-nistp256` before
/// `curve25519-sha256`. Why: OpenSSH's sshd computes curve25519 with its own portable
/// reference code (8-bit limbs; `smult_curve25519_ref.c`) but P-256 with OpenSSL's optimised
/// one, so every login with curve25519 costs the host more CPU. Measured on this project's lab
/// (OpenSSH 9.2, the machine's CPU over whole runs): about 1.5 ms less CPU per login, `fleet
/// exec` on 20 hosts 246 → 224 ms and on 50 hosts 550 → 511 ms (`Docs/performance.md`,
/// fifteenth round). Both give about 128-bit security and both are in OpenSSH's own default
/// list; a host that refuses NIST curves (`KexAlgorithms` in its `sshd_config`) still gets
/// curve25519, the next choice, so no host that logged in before is refused now.
///
/// Nothing else changes: the SHA-1 groups stay last, as in libssh2's own list, for old hosts
/// that offer nothing newer (the exchange hash the host signs covers both lists, so a
/// man in the middle cannot push a login down to them).
enum KeyExchangeOrder {
    static let methods = [
        "ecdh-sha2-nistp256",
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group-exchange-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group1-sha1",
        "diffie-hellman-group-exchange-sha1",
    ]

    /// `methods` as libssh2's `libssh2_session_method_pref` takes them.
    static let preference = methods.joined(separator: ",")
}
