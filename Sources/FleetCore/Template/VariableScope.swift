/// Where a template finds its variables.
///
/// A protocol because the scheduler answers differently from a dictionary: it layers
/// inventory, play and `-e` variables per host, exposes other hosts' captures under
/// `hosts` and `groups`, and may throw from `lookup` when a value is *deferred* (a capture
/// another host has not produced yet, or whose producer failed). The engine never catches
/// those errors: they reach the caller unchanged, so the scheduler can wait or fail the task
/// with the producer's reason.
public protocol VariableScope: Sendable {
    /// The value of a top-level name, or nil when it is undefined.
    func lookup(_ name: String) throws -> VariableValue?

    /// `name`'s entry `key` (`groups.masters`, `hosts['k8s-master']`), for a scope whose
    /// top-level value is costly to build whole: `groups` and `hosts` hold a host object for
    /// every inventory host, and a template that reads one host's value on each of 200 hosts
    /// would otherwise build 200 × 200 of them. nil: not answered here; the caller builds
    /// `lookup(name)` and steps into it, which must give the same value. Defaults to nil.
    func lookup(_ name: String, key: String) throws -> VariableValue?

    /// Top-level names this scope defines, used only to suggest a fix for a misspelt name.
    /// Defaults to none (no suggestion).
    var knownNames: [String] { get }

    /// Whether the value at `path` is, contains, or lies inside a secret. The template engine
    /// asks once per complete variable reference it reads; answering for prefixes and
    /// extensions of a secret path is the scope's job. Defaults to false.
    func isSecret(_ path: VariablePath) -> Bool

    /// Text that a `{{ }}` made from a secret value (`{{ token | upper }}`,
    /// `{{ 'join ' ~ token }}`): the scope keeps it secret too, so it is masked wherever the
    /// secret itself would be. Defaults to nothing (a scope with no secrets).
    func noteSecretText(_ text: String)
}

extension VariableScope {
    public func lookup(_ name: String, key: String) throws -> VariableValue? { nil }
    public var knownNames: [String] { [] }
    public func isSecret(_ path: VariablePath) -> Bool { false }
    public func noteSecretText(_ text: String) {}
}
