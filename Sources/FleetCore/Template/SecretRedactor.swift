import Foundation

/// Masks secret values (join tokens, passwords) in any text before it is shown or stored
/// in logs, reports and `--check` output.
///
/// Each secret is replaced by `••••` wherever it occurs, longest first so a secret that
/// contains another is masked whole. Secrets shorter than 4 characters are ignored: masking
/// every "1" or "ok" in the output would destroy it while protecting nothing worth hiding.
/// The shell-quoted form of each secret (as the `quote` filter writes it) is masked too, so a
/// secret interpolated with `| quote` does not leak through its quoting.
public struct SecretRedactor: Sendable, Hashable {
    /// What a secret is replaced with.
    public static let mask = "••••"
    /// Secrets shorter than this are not masked.
    public static let minimumLength = 4

    /// The texts that get masked, longest first.
    public private(set) var secrets: [String] = []

    public init(secrets: some Sequence<String> = [String]()) {
        for secret in secrets { insert(secret) }
    }

    /// Adds a secret (and its shell-quoted form). Too-short secrets are ignored.
    public mutating func insert(_ secret: String) {
        guard secret.count >= Self.minimumLength else { return }
        let new = Set([secret, ShellQuoting.quote(secret)]).filter { !secrets.contains($0) }
        guard !new.isEmpty else { return }
        secrets.append(contentsOf: new)
        secrets.sort { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with every secret replaced by `••••`.
    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mask) }
    }
}
