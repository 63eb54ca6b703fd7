/// One task (named apart from Swift's concurrency `Task`): an action plus the keywords that decide whether, how and how often it runs.
///
/// String fields that may hold `{{ }}` are `Template`s, parsed (and syntax-checked) when the
/// playbook is loaded, rendered per host when the task runs.
public struct PlayTask: Sendable, Hashable {
    public var name: String
    public var action: Action
    /// `when`: an expression (no braces needed); the task is skipped when false.
    public var when: Expression?
    /// Skip when this remote path exists.
    public var creates: Template?
    /// Skip when this remote path does not exist.
    public var removes: Template?
    /// Skip when this remote command succeeds.
    public var unless: Template?
    /// Keep `stdout`, `stderr`, `rc`, `lines` of the result under this name for the host.
    public var register: String?
    public var capture: CaptureSpec?
    public var retries: Int
    /// Seconds between retries.
    public var delay: Double
    /// Retry until this expression is true (with the result registered as `result`/`register`).
    public var until: Expression?
    /// Seconds before the command is abandoned.
    public var timeout: Double?
    public var ignoreErrors: Bool
    public var runOnce: Bool
    /// nil: inherit the play's.
    public var become: Bool?
    public var changedWhen: Expression?
    public var failedWhen: Expression?
    public var location: SourceLocation

    public init(name: String, action: Action, when: Expression? = nil, creates: Template? = nil,
                removes: Template? = nil, unless: Template? = nil, register: String? = nil,
                capture: CaptureSpec? = nil, retries: Int = 0, delay: Double = 5, until: Expression? = nil,
                timeout: Double? = nil, ignoreErrors: Bool = false, runOnce: Bool = false, become: Bool? = nil,
                changedWhen: Expression? = nil, failedWhen: Expression? = nil, location: SourceLocation) {
        self.name = name
        self.action = action
        self.when = when
        self.creates = creates
        self.removes = removes
        self.unless = unless
        self.register = register
        self.capture = capture
        self.retries = retries
        self.delay = delay
        self.until = until
        self.timeout = timeout
        self.ignoreErrors = ignoreErrors
        self.runOnce = runOnce
        self.become = become
        self.changedWhen = changedWhen
        self.failedWhen = failedWhen
        self.location = location
    }
}

/// What a task does on its host. One per task.
public enum Action: Sendable, Hashable {
    /// Shell text through `sh -c`.
    case shell(Template)
    /// argv without a shell: each word is quoted before it is sent.
    case command([Template])
    /// Upload a local script (path relative to the playbook) and run it, with optional arguments.
    case script(path: Template, args: Template?)
    /// Write `src` (local file, relative to the playbook) or `content` to `dest`; only when different.
    case copy(CopySpec)
    /// Render the local template file `src`, then as `copy`.
    case template(CopySpec)
    /// Download `src` from the host into `dest/<host>/<src path>` locally.
    case fetch(src: Template, dest: Template)
    /// Wait until a port accepts connections, a path exists, or a command succeeds.
    case waitFor(WaitForSpec)

    /// The action's keyword as written in playbooks.
    public var keyword: String {
        switch self {
        case .shell: return "shell"
        case .command: return "command"
        case .script: return "script"
        case .copy: return "copy"
        case .template: return "template"
        case .fetch: return "fetch"
        case .waitFor: return "wait_for"
        }
    }

    public static let keywords = ["shell", "command", "script", "copy", "template", "fetch", "wait_for"]
}

public struct CopySpec: Sendable, Hashable {
    /// Local source file (copy, template), relative to the playbook's folder.
    public var src: Template?
    /// Inline content (copy only).
    public var content: Template?
    public var dest: Template
    /// Octal text like "0644"; nil keeps 0644 for new files.
    public var mode: String?
    /// `user` or `user:group`, applied with chown.
    public var owner: Template?

    public init(src: Template? = nil, content: Template? = nil, dest: Template, mode: String? = nil, owner: Template? = nil) {
        self.src = src
        self.content = content
        self.dest = dest
        self.mode = mode
        self.owner = owner
    }
}

public struct WaitForSpec: Sendable, Hashable {
    /// TCP port on `host` (default 127.0.0.1, as seen from the remote host).
    public var port: Int?
    public var host: Template?
    public var path: Template?
    public var command: Template?
    /// Seconds before giving up (default 300).
    public var timeout: Double
    /// Seconds between checks.
    public var interval: Double

    public init(port: Int? = nil, host: Template? = nil, path: Template? = nil, command: Template? = nil,
                timeout: Double = 300, interval: Double = 1) {
        self.port = port
        self.host = host
        self.path = path
        self.command = command
        self.timeout = timeout
        self.interval = interval
    }
}

/// `capture: { as: name, regex: '...', secret: true, ttl: 23h }` or `capture: name`.
public struct CaptureSpec: Sendable, Hashable {
    public var name: String
    /// The first group of the first match (or the whole match) becomes the value; nil: trimmed stdout.
    public var regex: String?
    public var secret: Bool
    /// Seconds the kept value stays valid; nil: forever.
    public var ttl: Double?

    public init(name: String, regex: String? = nil, secret: Bool = false, ttl: Double? = nil) {
        self.name = name
        self.regex = regex
        self.secret = secret
        self.ttl = ttl
    }
}
