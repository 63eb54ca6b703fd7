import Foundation

/// `fetch`: download a remote file into `<dest>/<host name>/<remote absolute path>`, the
/// layout Ansible uses, so files from many hosts never overwrite each other.
///
/// When a local copy exists, the remote checksum is compared first and nothing is
/// downloaded if they match. Over SSH the file streams to disk (any size, bounded memory): over
/// SFTP, or with `become` as the output of `sudo cat` (SFTP runs as the login user and could
/// not read root-only files). The local file is written atomically.
struct FetchAction {
    /// Absolute path on the host.
    var source: String
    var localPath: String

    /// - Throws: `InputError` when `src` is not absolute or climbs out with `..` (the local
    ///   path is built from it, and must stay under the fetch folder).
    init(src: Template, dest: Template, context: ActionContext) throws {
        source = try src.render(in: context.scope)
        if let problem = Self.sourceProblem(source) { throw InputError(problem, at: src.locator.base) }
        let root = try dest.render(in: context.scope)
        let folder = root.isEmpty ? context.fetchDirectory : LocalFiles.join(context.playbookDirectory, root)
        localPath = LocalFiles.join(folder, context.host.name) + source
    }

    /// Why `source` cannot be fetched, or nil. Checked when the playbook is read for a `src`
    /// without variables (so nothing runs anywhere), and per host once rendered.
    static func sourceProblem(_ source: String) -> String? {
        if !source.hasPrefix("/") { return "fetch 'src' must be an absolute path on the host, found '\(source)'" }
        if source.split(separator: "/").contains("..") { return "fetch 'src' must not contain '..', found '\(source)'" }
        return nil
    }

    var plan: String { "would fetch \(source) to \(localPath)" }

    func run(context: ActionContext) async throws -> ActionOutcome {
        let localSum = FileManager.default.fileExists(atPath: localPath) ? FileDigests.compute(localPath) : nil
        if let localSum {
            let probe = try await context.connection.run(context.remote("sha256sum < \(ShellQuoting.quote(source))"))
            guard probe.succeeded else { return failure(probe) }
            if probe.stdoutText.prefix(64) == localSum {
                return .succeeded("\(source) unchanged at \(localPath) (ok)", changed: false)
            }
        }
        if let streaming = context.connection as? FileDownloading {
            return try await fetchToDisk(with: streaming, become: context.become, timeout: context.timeout,
                                         host: context.host.name)
        }
        let bytes: [UInt8]
        if context.become {
            let read = try await context.connection.run(context.remote("cat -- \(ShellQuoting.quote(source))"))
            guard read.succeeded else { return failure(read) }
            bytes = read.stdout
        } else {
            do {
                bytes = try await context.connection.download(source)
            } catch let error as TransportError where error.kind == .failed {
                return .failed("cannot fetch \(source): \(error.message)")
            }
        }
        if let localSum, SHA256.hex(bytes) == localSum {
            return .succeeded("\(source) unchanged at \(localPath) (ok)", changed: false)
        }
        do {
            try LocalFiles.writeAtomically(bytes, to: localPath)
        } catch {
            throw ActionError.localWriteFailed(path: localPath, reason: error.localizedDescription, host: context.host.name)
        }
        return .succeeded("fetched \(LocalFiles.sizeText(bytes.count)) from \(source) to \(localPath) (changed)", changed: true)
    }

    /// Streams the file into place: memory stays bounded whatever its size. The task's
    /// `timeout` bounds the whole transfer.
    private func fetchToDisk(with connection: FileDownloading, become: Bool, timeout: Double?,
                             host: String) async throws -> ActionOutcome {
        let folder = URL(fileURLWithPath: localPath).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ActionError.localWriteFailed(path: localPath, reason: error.localizedDescription, host: host)
        }
        do {
            let (source, localPath) = (source, localPath)
            try await TimeLimit.run(seconds: timeout, what: "fetch of \(source)") {
                try await connection.download(source, toFile: localPath, become: become)
            }
        } catch let error as TransportError where error.kind == .failed {
            return .failed("cannot fetch \(source): \(error.message)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: localPath))?[.size] as? Int ?? 0
        return .succeeded("fetched \(LocalFiles.sizeText(size)) from \(source) to \(localPath) (changed)", changed: true)
    }

    private func failure(_ result: RemoteResult) -> ActionOutcome {
        ActionOutcome(result: result, changed: false,
                      summary: "cannot fetch \(source): \(result.stderrText.trimmed) (\(result.statusText))")
    }
}
