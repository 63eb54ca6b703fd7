/// A rendered template, and whether any secret went into it.
///
/// The scheduler uses `usedSecrets` to decide whether a rendered command may be shown as is
/// (in `--check`, logs and reports) or must pass through `SecretRedactor` first.
public struct RenderResult: Sendable, Hashable {
    public var text: String
    /// True when the template read a value its scope calls secret. Conservative: a secret
    /// read only to test it (`is defined`, `length`) counts too.
    public var usedSecrets: Bool

    public init(text: String, usedSecrets: Bool) {
        self.text = text
        self.usedSecrets = usedSecrets
    }
}
