import Foundation

/// One captured value kept for later runs (the join command a worker added next week reuses).
///
/// Kept per inventory in the state file with when it was captured and, when the capture has a
/// time-to-live, when it stops being valid. An expired capture is kept, not dropped: it still
/// tells which task produces it, and `fleet state` shows it as `EXPIRED` until a run replaces it.
public struct KeptCapture: Codable, Sendable, Hashable {
    /// The host whose task produced the value.
    public var host: String
    /// The name the playbook captured it `as`.
    public var name: String
    /// The value itself. Secret values are stored in clear (the state file is private to its
    /// owner) but never printed: every renderer shows them as `••••`.
    public var value: String
    public var secret: Bool
    /// The name of the task that captured it, so an expired value can be produced again.
    public var task: String
    /// The absolute path of the playbook that task is in.
    public var playbook: String
    public var capturedAt: Date
    /// nil: never expires.
    public var expiresAt: Date?

    public init(
        host: String, name: String, value: String, secret: Bool = false,
        task: String, playbook: String, capturedAt: Date = Date(), expiresAt: Date? = nil
    ) {
        self.host = host
        self.name = name
        self.value = value
        self.secret = secret
        self.task = task
        self.playbook = playbook
        self.capturedAt = capturedAt
        self.expiresAt = expiresAt
    }

    /// A capture taken at `capturedAt` that lives `ttl` seconds (nil: forever).
    public init(
        host: String, name: String, value: String, secret: Bool = false,
        task: String, playbook: String, capturedAt: Date = Date(), ttl: Double?
    ) {
        self.init(
            host: host, name: name, value: value, secret: secret, task: task, playbook: playbook,
            capturedAt: capturedAt, expiresAt: ttl.map { capturedAt.addingTimeInterval($0) })
    }

    /// Whether the value may no longer be used at `now` (expiry is exclusive: at `expiresAt` it is gone).
    public func isExpired(at now: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        return now >= expiresAt
    }

    /// Seconds since the value was captured (negative if the clock moved back).
    public func age(at now: Date = Date()) -> TimeInterval {
        now.timeIntervalSince(capturedAt)
    }
}
