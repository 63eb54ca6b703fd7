import Foundation

/// `copy` and `template`: make a remote file hold given bytes, mode and owner, touching it
/// only when something differs.
///
/// One read-only probe (`RemoteFileState`) compares the remote checksum, mode and owner; an
/// upload happens only when the content differs. Without `become` the bytes go straight to
/// `dest` (the transport writes a temporary file beside it and renames it). With `become`
/// the login user usually cannot write there, so the bytes go to `/tmp/.fleet-upload-<random>`
/// first, and one sudo command copies them next to `dest`, sets mode and owner and renames
/// over `dest` (atomic, like the plain upload), then removes the temporary files.
///
/// A local `src` file is not read into memory: its checksum is computed once per run and
/// shared by every host, and the connection sends it from disk (`CopyPayload`).
///
/// Like Ansible, missing parent folders are not created: the task fails and says so.
struct CopyAction {
    var payload: CopyPayload
    var dest: String
    /// Requested mode; nil keeps an existing file's mode, 0644 for a new one.
    var mode: Int?
    /// `user` or `user:group`; nil leaves ownership alone.
    var owner: String?
    /// The file name used when `dest` is a folder (the local source's name); nil for `content`.
    var sourceName: String?

    static let defaultMode = 0o644

    /// Renders the spec for `context`'s host. `template`: the local file's text is itself
    /// rendered with the host's variables.
    init(spec: CopySpec, renderSource: Bool, context: ActionContext) throws {
        let scope = context.scope
        dest = try spec.dest.render(in: scope)
        mode = spec.mode.flatMap { Int($0, radix: 8) }
        owner = try spec.owner.map { try $0.render(in: scope) }.flatMap { $0.isEmpty ? nil : $0 }
        if let src = spec.src {
            let path = try src.render(in: scope)
            if renderSource {
                let raw = try LocalFiles.read(path, in: context.playbookDirectory, for: src)
                let location = SourceLocation(file: LocalFiles.join(context.playbookDirectory, path), line: 1, column: 1)
                let template = try Template(parsing: String(decoding: raw, as: UTF8.self), location: location)
                payload = .bytes(Array(try template.render(in: scope).utf8))
            } else {
                let file = try LocalFiles.existingFile(path, in: context.playbookDirectory, for: src)
                payload = .file(path: file.path, size: file.size)
            }
            sourceName = path.split(separator: "/").last.map(String.init)
        } else if let content = spec.content {
            payload = .bytes(Array(try content.render(in: scope).utf8))
            sourceName = nil
        } else {
            throw InputError("'copy' needs 'src' or 'content'", at: spec.dest.locator.base)
        }
    }

    /// What differs between the wanted file and the remote one.
    struct Changes: Hashable {
        var content = false
        var mode = false
        var owner = false
        var any: Bool { content || mode || owner }
    }

    /// Where the file goes and what would change there, or a reason the copy cannot happen.
    struct Decision {
        var target: String
        var state: RemoteFileState
        var changes: Changes
        var finalMode: Int
    }

    /// Probes the host (read-only) and decides; a failure reason comes back as `.failure`.
    func decide(context: ActionContext) async throws -> Result<Decision, CopyFailure> {
        let probe = try await context.connection.run(context.remote(RemoteFileState.probeCommand(dest: dest, name: sourceName)))
        guard probe.succeeded, let (state, inside) = RemoteFileState.parse(probe.stdoutText) else {
            let reason = probe.stderrText.isEmpty ? probe.stdoutText : probe.stderrText
            return .failure(CopyFailure("cannot inspect \(dest): \(reason.trimmed) (\(probe.statusText))"))
        }
        let target = inside ? (dest.hasSuffix("/") ? dest : dest + "/") + (sourceName ?? "") : dest
        var changes = Changes()
        var finalMode = mode ?? Self.defaultMode
        switch state {
        case .directory:
            return .failure(CopyFailure("cannot copy to \(target): it is a folder"))
        case .missingFolder:
            let folder = Self.folder(of: target)
            return .failure(CopyFailure("cannot copy to \(target): folder \(folder) does not exist", missingFolder: folder))
        case .absent:
            changes.content = true
            changes.owner = owner != nil
        case .file(let checksum, let existingMode, let existingOwner):
            guard let local = payload.checksum() else {
                return .failure(CopyFailure("cannot read local file for \(target)"))
            }
            changes.content = checksum != local
            finalMode = mode ?? existingMode
            changes.mode = finalMode != existingMode
            changes.owner = owner.map { !Self.owner($0, matches: existingOwner) } ?? false
        }
        return .success(Decision(target: target, state: state, changes: changes, finalMode: finalMode))
    }

    func run(context: ActionContext) async throws -> ActionOutcome {
        let decision: Decision
        switch try await decide(context: context) {
        case .failure(let failure): return .failed(failure.reason)
        case .success(let decided): decision = decided
        }
        let size = LocalFiles.sizeText(payload.size)
        guard decision.changes.any else {
            return .succeeded("\(size) at \(decision.target) (ok)", changed: false)
        }
        let finish: RemoteResult?
        do {
            finish = try await apply(decision, context: context)
        } catch let error as TransportError where error.kind == .failed {
            return .failed("cannot copy to \(decision.target): \(error.message)")
        }
        if let finish, !finish.succeeded {
            return ActionOutcome(result: finish, changed: false,
                                 summary: "cannot copy to \(decision.target): \(finish.stderrText.trimmed) (\(finish.statusText))")
        }
        return .succeeded(Self.describe(decision, size: size), changed: true)
    }

    /// The check-mode line: what would be copied and whether that changes anything.
    func plan(context: ActionContext) async throws -> String {
        let line = "would copy \(payload.size) bytes to "
        switch try await decide(context: context) {
        case .failure(let failure):
            // Check mode runs no earlier task, so a folder one of them creates is missing now.
            if let folder = failure.missingFolder {
                return line + "\(dest) (changed; folder \(folder) does not exist yet: the copy fails unless an earlier task creates it)"
            }
            return line + "\(dest) (fails: \(failure.reason))"
        case .success(let decision): return line + "\(decision.target) (\(decision.changes.any ? "changed" : "unchanged"))"
        }
    }

    /// Makes the changes; returns the finishing command's result, if one ran.
    private func apply(_ decision: Decision, context: ActionContext) async throws -> RemoteResult? {
        let target = decision.target
        let modeText = Self.octal(decision.finalMode)
        if !decision.changes.content {
            var steps: [String] = []
            if decision.changes.mode { steps.append("chmod \(modeText) -- \(ShellQuoting.quote(target))") }
            if decision.changes.owner, let owner { steps.append("chown \(ShellQuoting.quote(owner)) -- \(ShellQuoting.quote(target))") }
            return try await context.connection.run(context.remote(steps.joined(separator: " && ")))
        }
        if !context.become {
            try await payload.upload(to: target, mode: decision.finalMode, on: context.connection)
            guard let owner, decision.changes.owner else { return nil }
            return try await context.connection.run(context.remote("chown \(ShellQuoting.quote(owner)) -- \(ShellQuoting.quote(target))"))
        }
        let staged = "/tmp/.fleet-upload-" + RemoteNames.random()
        try await payload.upload(to: staged, mode: 0o600, on: context.connection)
        var keptOwner: String?
        if case .file(_, _, let existing) = decision.state { keptOwner = existing }
        let command = Self.installCommand(staged: staged, target: target, mode: modeText, owner: owner ?? keptOwner)
        return try await context.connection.run(context.remote(command))
    }

    /// The sudo side of a `become` copy: `staged` becomes `target` atomically, with `mode` and
    /// `owner`; both temporary files are gone afterwards whatever happened.
    static func installCommand(staged: String, target: String, mode: String, owner: String?) -> String {
        let next = folder(of: target) + "/.fleet-" + RemoteNames.random()
        let quotedNext = ShellQuoting.quote(next)
        var steps = ["cp -- \(staged) \(quotedNext)", "chmod \(mode) -- \(quotedNext)"]
        if let owner { steps.append("chown \(ShellQuoting.quote(owner)) -- \(quotedNext)") }
        steps.append("mv -f -- \(quotedNext) \(ShellQuoting.quote(target))")
        return steps.joined(separator: " && ") + "; rc=$?; rm -f -- \(staged) \(quotedNext); exit $rc"
    }

    /// "copied 1.2 KB to /etc/x (changed)", or what else was set.
    private static func describe(_ decision: Decision, size: String) -> String {
        if decision.changes.content { return "copied \(size) to \(decision.target) (changed)" }
        var parts: [String] = []
        if decision.changes.mode { parts.append("mode \(octal(decision.finalMode))") }
        if decision.changes.owner { parts.append("owner") }
        return "set \(parts.joined(separator: " and ")) of \(decision.target) (changed)"
    }

    /// `user` matches `user:anygroup`; `user:group` must match both.
    static func owner(_ wanted: String, matches existing: String) -> Bool {
        wanted.contains(":") ? wanted == existing : wanted == existing.split(separator: ":").first.map(String.init)
    }

    /// "0644", as people write modes.
    static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Why a copy cannot happen, in words for the task's stderr.
struct CopyFailure: Error {
    var reason: String
    /// The destination's folder, when that is what is missing.
    var missingFolder: String?
    init(_ reason: String, missingFolder: String? = nil) {
        self.reason = reason
        self.missingFolder = missingFolder
    }
}

extension String {
    /// Without surrounding whitespace and newlines.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
