/// Where to connect and as whom.
public struct SSHTarget: Sendable, Hashable {
    /// Name shown in messages (the inventory name).
    public var displayName: String
    /// Host name or IPv4/IPv6 address to connect to.
    public var address: String
    public var port: Int
    public var user: String

    public init(displayName: String? = nil, address: String, port: Int = 22, user: String) {
        self.displayName = displayName ?? address
        self.address = address
        self.port = port
        self.user = user
    }
}

/// How strictly unknown host keys are treated. A changed key is always refused.
public enum HostKeyPolicy: String, Sendable, Hashable, CaseIterable {
    /// Unknown hosts are refused (OpenSSH's `StrictHostKeyChecking yes`).
    case strict
    /// Unknown hosts are trusted and recorded on first use (`accept-new`).
    case acceptNew = "accept-new"
}

/// Connection settings that are the same for many hosts.
public struct SSHOptions: Sendable {
    /// Seconds for the TCP connect.
    public var connectTimeout: Double = 10
    /// Seconds for handshake plus authentication once TCP is up.
    public var loginTimeout: Double = 20
    /// Seconds between client keepalives; the peer is declared dead after three silent ones. 0 = off.
    public var keepaliveInterval: Int = 15
    public var hostKeyPolicy: HostKeyPolicy = .strict
    /// known_hosts files to read, first one is also where `accept-new` records new hosts.
    public var knownHostsFiles: [String] = [SSHOptions.home + "/.ssh/known_hosts"]
    /// Private keys to offer, in order (after the agent's).
    public var identityFiles: [String] = SSHOptions.defaultIdentityFiles
    /// The keys offered when nobody names one. Unlike a named key, they need not exist.
    public static let defaultIdentityFiles = [SSHOptions.home + "/.ssh/id_ed25519", SSHOptions.home + "/.ssh/id_ecdsa"]
    /// Whether to ask the ssh-agent at `agentSocket`.
    public var useAgent: Bool = true
    /// The ssh-agent's socket: `SSH_AUTH_SOCK` of this process unless set. Explicit so that a
    /// process connecting on another's behalf (the connection keeper) uses that one's agent.
    public var agentSocket: String? = EnvironmentVariable.value("SSH_AUTH_SOCK")
    /// Passphrases and passwords: environment first, then (on a terminal only) a prompt.
    public var credentials: CredentialSource = .shared

    public init() {}

    static var home: String {
        EnvironmentVariable.value("HOME") ?? NSHomeDirectory()
    }
}

import Foundation
